package dev.featurestore.api.ingest;

/**
 * Published after a group is created or its definition changed (features added, online flag), so
 * that the online indexes know of it before the change is acknowledged.
 */
public record FeatureGroupDefined(String featureGroup) {}
