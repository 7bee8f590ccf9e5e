package dev.featurestore.core.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.UploadTooLargeException;

/**
 * Counts what one upload has decoded so far against its {@link UploadLimits}; decoders call it
 * before they copy, so a bomb stops at the limit instead of after filling the heap. One upload is
 * decoded by one thread, so this is not thread-safe.
 */
public final class UploadBudget {
  private final UploadLimits limits;
  private long decodedBytes;
  private long rows;

  UploadBudget(UploadLimits limits) {
    this.limits = limits;
  }

  /** Counts {@code bytes} more decoded, failing with a 413 beyond the limit. */
  public void addDecodedBytes(long bytes) {
    decodedBytes += bytes;
    if (decodedBytes > limits.maxDecodedBytes()) {
      throw new UploadTooLargeException(
          "the upload decodes to more than " + limits.maxDecodedBytes() + " bytes, the limit");
    }
  }

  /** Whether one string, binary or vector value of {@code bytes} is within the limit. */
  public boolean fits(long bytes) {
    return bytes <= limits.maxValueBytes();
  }

  /** The 400 for a value that does not {@link #fits fit}, at {@code field} (rows[3].comment). */
  public InvalidInputException valueTooLong(String field, long bytes) {
    return new InvalidInputException(
        field,
        "a value of " + bytes + " bytes is longer than the limit of " + limits.maxValueBytes());
  }

  /** Counts {@code count} more rows, failing with a 413 beyond the limit. */
  public void addRows(long count) {
    rows += count;
    if (rows > limits.maxRows()) {
      throw new UploadTooLargeException(
          "the upload holds more than " + limits.maxRows() + " rows, the limit");
    }
  }
}
