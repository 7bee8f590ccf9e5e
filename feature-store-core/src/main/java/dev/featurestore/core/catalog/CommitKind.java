package dev.featurestore.core.catalog;

/** Why a commit exists: new rows, files merged, or rows of erased keys removed. */
public enum CommitKind {
  APPEND,
  COMPACTION,
  ERASURE
}
