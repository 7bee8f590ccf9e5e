package dev.featurestore.storage.parquet;

import java.io.IOException;

/**
 * A stored file is not a readable feature file of its group: truncated, corrupt, or written with an
 * incompatible schema. Retrying will not help; the catalog points at bad bytes.
 */
public class InvalidFeatureFileException extends IOException {
  public InvalidFeatureFileException(String file, String reason, Throwable cause) {
    super(file + " is not a readable feature file: " + reason, cause);
  }
}
