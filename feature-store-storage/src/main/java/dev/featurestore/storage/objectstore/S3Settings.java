package dev.featurestore.storage.objectstore;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Optional;

/**
 * Where and how to reach an S3 bucket.
 *
 * @param endpoint the S3-compatible server (MinIO, S3Proxy...); empty for AWS's own endpoint
 * @param pathStyle address the bucket in the path ({@code host/bucket/key}) rather than the host
 *     name, as most S3-compatible servers need
 */
public record S3Settings(
    Optional<URI> endpoint,
    String bucket,
    String region,
    String accessKey,
    String secretKey,
    boolean pathStyle) {
  public S3Settings {
    requireNonNull(endpoint, "endpoint is null");
    requireNonBlank(bucket, "bucket");
    requireNonBlank(region, "region");
    requireNonBlank(accessKey, "accessKey");
    requireNonBlank(secretKey, "secretKey");
    endpoint.ifPresent(
        uri -> {
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new IllegalArgumentException("endpoint must be an http or https URI: " + uri);
          }
        });
  }

  /** Where the objects are, for logs and error messages. */
  public String location() {
    return "s3://" + bucket + endpoint.map(uri -> " at " + uri).orElse("");
  }

  /** Leaves the secret key out, so settings can be logged. */
  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint.map(URI::toString).orElse("(AWS)")
        + ", bucket="
        + bucket
        + ", region="
        + region
        + ", accessKey="
        + accessKey
        + ", pathStyle="
        + pathStyle
        + "]";
  }

  private static void requireNonBlank(String value, String name) {
    requireNonNull(value, name + " is null");
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank");
    }
  }
}
