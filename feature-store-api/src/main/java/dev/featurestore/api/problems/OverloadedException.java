package dev.featurestore.api.problems;

import java.time.Duration;

/**
 * The server is busy with as much as it takes on at once; nothing was done. Maps to HTTP 503 with
 * {@code Retry-After}.
 */
public class OverloadedException extends RuntimeException {
  private final Duration retryAfter;

  public OverloadedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
