package dev.featurestore.core.model;

/** What a commit to a group does with rows whose key was erased (has a tombstone). */
public enum ErasedKeyPolicy {
  /** The whole commit is refused, naming the rows (409 {@code ERASED_KEY}). */
  REFUSE,
  /** Those rows are left out and counted in the commit's answer; the others are committed. */
  DROP
}
