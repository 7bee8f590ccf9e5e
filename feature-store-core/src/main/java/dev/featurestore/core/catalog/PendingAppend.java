package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * An append whose files are already in the object store. Committing it makes them visible
 * atomically; an idempotency key makes a retry return the first commit instead of adding the rows
 * twice, and the request hash tells a genuine retry from a different request that reuses the key.
 * {@code droppedErasedRows} counts the upload's rows left out because their key was erased.
 */
public record PendingAppend(
    String featureGroup,
    int schemaVersion,
    List<NewDataFile> files,
    Optional<String> idempotencyKey,
    String requestHash,
    String principal,
    long droppedErasedRows) {
  public PendingAppend {
    requireNonNull(featureGroup, "featureGroup is null");
    files = List.copyOf(files);
    requireNonNull(idempotencyKey, "idempotencyKey is null");
    requireNonNull(requestHash, "requestHash is null");
    requireNonNull(principal, "principal is null");
    if (droppedErasedRows < 0) {
      throw new IllegalArgumentException("droppedErasedRows must not be negative");
    }
  }

  /** An append that left no rows out. */
  public PendingAppend(
      String featureGroup,
      int schemaVersion,
      List<NewDataFile> files,
      Optional<String> idempotencyKey,
      String requestHash,
      String principal) {
    this(featureGroup, schemaVersion, files, idempotencyKey, requestHash, principal, 0);
  }

  public long rows() {
    long rows = 0;
    for (NewDataFile file : files) {
      rows += file.rowCount();
    }
    return rows;
  }
}
