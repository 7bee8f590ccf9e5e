package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long the online listener keeps a connection that sends nothing, and how many it keeps at
 * once: without them a client holding thousands of silent sockets exhausts file descriptors.
 *
 * @param idleTimeout a connection waiting for a request this long is closed
 * @param readTimeout a request whose body pauses this long between reads is cut off
 * @param maxConnections open connections beyond this many are closed as soon as they are accepted
 */
public record ConnectionLimits(Duration idleTimeout, Duration readTimeout, int maxConnections) {
  public ConnectionLimits {
    requireNonNull(idleTimeout, "idleTimeout is null");
    requireNonNull(readTimeout, "readTimeout is null");
    if (!idleTimeout.isPositive() || !readTimeout.isPositive()) {
      throw new IllegalArgumentException(
          "timeouts must be positive: idle " + idleTimeout + ", read " + readTimeout);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
    }
  }
}
