package dev.featurestore.core.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A format uploaded rows come in (JSON, CSV, Parquet, Arrow): an adapter that decodes a body into
 * the group's stored rows. Malformed input fails with an {@link
 * dev.featurestore.core.InvalidInputException} naming the row and field; an upload beyond its
 * limits with an {@link dev.featurestore.core.UploadTooLargeException}; and anything else (the
 * destination's own failures, Arrow memory beyond the request's limit) passes through untouched.
 */
public interface RowFormat {
  /** The format's name, for the audit log. */
  String name();

  /**
   * Reads every row of {@code body} into {@code destination}, checked against its group, handing
   * off each full batch and, after the last row, the last partly filled one.
   */
  void decode(Path body, RowDestination destination) throws IOException;
}
