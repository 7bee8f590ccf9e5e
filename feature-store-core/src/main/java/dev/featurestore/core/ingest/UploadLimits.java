package dev.featurestore.core.ingest;

/**
 * What one upload (a commit body or an uploaded spine) may decode to. A few kilobytes of Parquet
 * can decode to gigabytes (one long string, dictionary-encoded, repeated in every row), so the body
 * size alone bounds nothing: these limits are counted while decoding, and decoding stops at the
 * first one exceeded.
 *
 * @param maxDecodedBytes the values' bytes the upload may decode to in all
 * @param maxValueBytes the bytes of one string, binary or vector value
 * @param maxRows the rows the upload may hold
 */
public record UploadLimits(long maxDecodedBytes, long maxValueBytes, long maxRows) {
  /** For files this server wrote itself, which passed the limits when they were uploaded. */
  public static final UploadLimits NONE =
      new UploadLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE);

  public UploadLimits {
    if (maxDecodedBytes <= 0 || maxValueBytes <= 0 || maxRows <= 0) {
      throw new IllegalArgumentException("upload limits must be positive");
    }
  }

  /** A fresh count for one upload. */
  public UploadBudget newBudget() {
    return new UploadBudget(this);
  }
}
