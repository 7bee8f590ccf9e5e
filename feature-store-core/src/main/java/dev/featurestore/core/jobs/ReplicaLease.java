package dev.featurestore.core.jobs;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * This server's hold on the work it runs, when several replicas share one catalog: the jobs and
 * training sets it starts carry {@code replicaId} and a lease that its heartbeat extends by {@code
 * length}. Another replica may take over or fail the work only once the lease has expired, and a
 * replica that lost the work (another took it over) can no longer finish it.
 */
public record ReplicaLease(String replicaId, Duration length) {
  public ReplicaLease {
    requireNonNull(replicaId, "replicaId is null");
    requireNonNull(length, "length is null");
    if (length.isNegative() || length.isZero()) {
      throw new IllegalArgumentException("a lease must last some time, not " + length);
    }
  }
}
