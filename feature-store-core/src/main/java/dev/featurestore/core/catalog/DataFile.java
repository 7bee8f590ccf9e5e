package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One immutable Parquet object of a feature group and its stats, used to prune files that cannot
 * hold a wanted key or time. Keys are compared as text for STRING entities and as numbers for INT64
 * ones.
 */
public record DataFile(
    UUID id,
    String objectKey,
    long addedSequence,
    Optional<Long> removedSequence,
    int schemaVersion,
    long rowCount,
    long byteSize,
    String contentHash,
    String keyMin,
    String keyMax,
    Instant eventTimeMin,
    Instant eventTimeMax,
    long minCommitSequence,
    long maxCommitSequence) {
  public DataFile {
    requireNonNull(id, "id is null");
    requireNonNull(objectKey, "objectKey is null");
    requireNonNull(removedSequence, "removedSequence is null");
    requireNonNull(contentHash, "contentHash is null");
  }

  /** Whether a reader bound to {@code sequence} sees this file. */
  public boolean visibleAt(long sequence) {
    return addedSequence <= sequence
        && removedSequence.map(removed -> removed > sequence).orElse(true);
  }
}
