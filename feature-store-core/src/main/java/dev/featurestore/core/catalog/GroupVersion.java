package dev.featurestore.core.catalog;

/**
 * What changes when a feature group changes, without its definition: enough for a reader that keeps
 * derived state (an online index) to tell whether it must look closer.
 *
 * @param latestSequence the group's latest commit (0 for none)
 * @param schemaVersion the group's current schema version
 */
public record GroupVersion(
    String featureGroup, long latestSequence, int schemaVersion, boolean online) {}
