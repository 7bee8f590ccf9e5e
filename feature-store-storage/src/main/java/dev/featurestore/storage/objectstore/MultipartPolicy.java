package dev.featurestore.storage.objectstore;

/**
 * When a file upload switches from one PUT to a multipart upload, and how big each part is. One
 * part is held in memory at a time.
 *
 * @param thresholdBytes files larger than this are uploaded in parts
 * @param partSizeBytes size of every part but the last; S3 requires at least 5 MiB
 */
public record MultipartPolicy(long thresholdBytes, int partSizeBytes) {
  public static final int MINIMUM_PART_SIZE_BYTES = 5 * 1024 * 1024;

  /** 16 MiB parts above 16 MiB: few requests per Parquet file, modest memory per upload. */
  public static final MultipartPolicy DEFAULT = new MultipartPolicy(16L << 20, 16 << 20);

  /** S3 allows at most this many parts in one upload. */
  static final int MAXIMUM_PARTS = 10_000;

  public MultipartPolicy {
    if (partSizeBytes < MINIMUM_PART_SIZE_BYTES) {
      throw new IllegalArgumentException(
          "partSizeBytes must be at least " + MINIMUM_PART_SIZE_BYTES + ": " + partSizeBytes);
    }
    if (thresholdBytes < partSizeBytes) {
      throw new IllegalArgumentException(
          "thresholdBytes must be at least partSizeBytes ("
              + partSizeBytes
              + "), or the upload would have a single part: "
              + thresholdBytes);
    }
  }
}
