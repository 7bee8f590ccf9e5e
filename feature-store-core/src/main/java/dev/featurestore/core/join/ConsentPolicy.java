package dev.featurestore.core.join;

/** What a spine row whose key had no consent for the training set's purpose becomes. */
public enum ConsentPolicy {
  /** The row is left out of the output. */
  EXCLUDE,
  /** The row stays, with every feature null and no winner (lineage sees no feature use). */
  NULL_FEATURES
}
