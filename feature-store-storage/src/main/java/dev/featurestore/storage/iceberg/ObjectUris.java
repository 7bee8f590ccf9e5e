package dev.featurestore.storage.iceberg;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where engines outside the server find an object of our store: {@code file:///...} for the local
 * disk, {@code s3://bucket/...} for S3. Iceberg metadata names files by these URIs, so that Spark,
 * Trino or PyIceberg read the very objects our commits wrote, and our own {@link ObjectStoreFileIO}
 * maps them back to keys.
 *
 * @param base every object's URI is {@code base + key}; ends with a slash
 */
public record ObjectUris(String base) {
  public ObjectUris {
    requireNonNull(base, "base is null");
    if (!base.endsWith("/")) {
      throw new IllegalArgumentException("base " + base + " does not end with a slash");
    }
  }

  /** The objects of a {@code LocalDiskObjectStore} rooted at {@code root}. */
  public static ObjectUris localDisk(Path root) {
    String uri = root.toAbsolutePath().normalize().toUri().toString();
    return new ObjectUris(uri.endsWith("/") ? uri : uri + "/");
  }

  /** The objects of an {@code S3ObjectStore} on {@code bucket}. */
  public static ObjectUris s3Bucket(String bucket) {
    return new ObjectUris("s3://" + bucket + "/");
  }

  public String uri(String key) {
    return base + key;
  }

  /**
   * The key of an object named by its URI.
   *
   * @throws IllegalArgumentException when the URI is not one of our store's
   */
  public String key(String uri) {
    if (!uri.startsWith(base)) {
      throw new IllegalArgumentException(uri + " is not an object of " + base);
    }
    return uri.substring(base.length());
  }
}
