package dev.featurestore.api.ingest;

/**
 * Published after a commit made through this server is durable, so that in-process readers (the
 * online indexes) can catch up before the commit is acknowledged.
 */
public record FeatureGroupCommitted(String featureGroup, long sequence) {}
