package dev.featurestore.api.jobs;

/**
 * Records of work this replica holds under its lease (jobs, training sets): the heartbeat renews
 * them, and takes over or fails those of other replicas whose lease expired.
 */
public interface LeasedWork {
  /** Extends this replica's leases. */
  void renewLeases();

  /** Takes over, or fails, the work of other replicas whose lease expired. */
  void takeOverExpired();
}
