package dev.featurestore.core.lifecycle;

/** What a deletion does when training sets or models depend on the group. */
public enum DependentsPolicy {
  /** Refuse the deletion, naming them ({@link GroupInUseException}). */
  REFUSE,
  /** Delete anyway; the receipt lists them as to rebuild and to retrain. */
  DELETE_ANYWAY
}
