package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A request body copied to a local file before it is parsed: its size is checked as it arrives, its
 * hash identifies the request for idempotent retries, and Parquet needs random access anyway.
 */
public record SpooledUpload(Path file, long byteSize, String sha256) {
  public SpooledUpload {
    requireNonNull(file, "file is null");
    requireNonNull(sha256, "sha256 is null");
  }
}
