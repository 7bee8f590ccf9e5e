package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An acknowledged commit: all its files became visible at once, at {@code writeTime}. {@code
 * droppedErasedRows} counts the upload's rows left out because their key was erased (a group whose
 * policy is {@code DROP}).
 */
public record Commit(
    UUID id,
    String featureGroup,
    long sequence,
    Instant writeTime,
    CommitKind kind,
    int schemaVersion,
    long rows,
    List<UUID> files,
    long droppedErasedRows) {
  public Commit {
    requireNonNull(id, "id is null");
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(writeTime, "writeTime is null");
    requireNonNull(kind, "kind is null");
    files = List.copyOf(files);
  }

  /** A commit that left no rows out. */
  public Commit(
      UUID id,
      String featureGroup,
      long sequence,
      Instant writeTime,
      CommitKind kind,
      int schemaVersion,
      long rows,
      List<UUID> files) {
    this(id, featureGroup, sequence, writeTime, kind, schemaVersion, rows, files, 0);
  }
}
