package dev.featurestore.core.training;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Converts a READY training set's stored output into a download format, streaming it (never whole).
 * The stored bytes themselves are read from the object store as they are.
 */
public interface TrainingSetDownloads {
  enum Format {
    ARROW_STREAM,
    CSV,
    JSON
  }

  /**
   * Fetches what the download needs, so that a storage failure is reported before any byte is sent;
   * the returned download writes the converted rows.
   */
  Download prepare(TrainingSet trainingSet, Format format) throws IOException;

  /** A prepared download. */
  @FunctionalInterface
  interface Download {
    void writeTo(OutputStream out) throws IOException;
  }
}
