package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A file already written to the object store, waiting for the commit that makes it visible. */
public record NewDataFile(
    String objectKey,
    long rowCount,
    long byteSize,
    String contentHash,
    String keyMin,
    String keyMax,
    Instant eventTimeMin,
    Instant eventTimeMax) {
  public NewDataFile {
    requireNonNull(objectKey, "objectKey is null");
    requireNonNull(contentHash, "contentHash is null");
    if (rowCount < 0 || byteSize < 0) {
      throw new IllegalArgumentException("row count and byte size must not be negative");
    }
  }
}
