package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An acknowledged commit: all its files became visible at once, at {@code writeTime}. */
public record Commit(
    UUID id,
    String featureGroup,
    long sequence,
    Instant writeTime,
    CommitKind kind,
    int schemaVersion,
    long rows,
    List<UUID> files) {
  public Commit {
    requireNonNull(id, "id is null");
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(writeTime, "writeTime is null");
    requireNonNull(kind, "kind is null");
    files = List.copyOf(files);
  }
}
