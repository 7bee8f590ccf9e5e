package dev.featurestore.core.catalog;

/**
 * The connection to the catalog broke while a change was being committed, so it may or may not have
 * been made (Iceberg's rule of the same name). Whoever wrote objects for the change must not delete
 * them: the catalog may reference them. Those it does not reference are orphans, which the orphan
 * janitor deletes after its grace period. Retrying a commit with the same idempotency key is safe:
 * it returns the original commit if there was one.
 */
public class CommitStateUnknownException extends RuntimeException {
  public CommitStateUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
