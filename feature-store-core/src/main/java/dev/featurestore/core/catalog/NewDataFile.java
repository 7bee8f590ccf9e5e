package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.discovery.FileStatistics;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A file already written to the object store, waiting for the commit that makes it visible, with
 * the statistics of its features that the catalog keeps beside it.
 */
public record NewDataFile(
    String objectKey,
    long rowCount,
    long byteSize,
    String contentHash,
    String keyMin,
    String keyMax,
    Instant eventTimeMin,
    Instant eventTimeMax,
    FileStatistics statistics) {
  public NewDataFile {
    requireNonNull(objectKey, "objectKey is null");
    requireNonNull(contentHash, "contentHash is null");
    requireNonNull(statistics, "statistics is null");
    if (rowCount < 0 || byteSize < 0) {
      throw new IllegalArgumentException("row count and byte size must not be negative");
    }
  }

  /**
   * This file as the catalog lists it once a commit made it visible: added by {@code
   * addedSequence}, holding rows of the commits {@code minCommitSequence..maxCommitSequence}.
   */
  public DataFile committed(
      UUID id,
      long addedSequence,
      Optional<Long> removedSequence,
      int schemaVersion,
      long minCommitSequence,
      long maxCommitSequence) {
    return new DataFile(
        id,
        objectKey,
        addedSequence,
        removedSequence,
        schemaVersion,
        rowCount,
        byteSize,
        contentHash,
        keyMin,
        keyMax,
        eventTimeMin,
        eventTimeMax,
        minCommitSequence,
        maxCommitSequence);
  }

  /** A file without feature statistics. */
  public NewDataFile(
      String objectKey,
      long rowCount,
      long byteSize,
      String contentHash,
      String keyMin,
      String keyMax,
      Instant eventTimeMin,
      Instant eventTimeMax) {
    this(
        objectKey,
        rowCount,
        byteSize,
        contentHash,
        keyMin,
        keyMax,
        eventTimeMin,
        eventTimeMax,
        FileStatistics.NONE);
  }
}
