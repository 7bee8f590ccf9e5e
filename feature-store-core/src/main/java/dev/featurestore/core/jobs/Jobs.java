package dev.featurestore.core.jobs;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The record of jobs; the runner lives in the server. Each job is held by the replica that created
 * or took it over, under a lease (see {@link ReplicaLease}); only that replica moves it on, and
 * only forward: PENDING to RUNNING, then to SUCCEEDED, FAILED or CANCELLED.
 */
public interface Jobs {
  /**
   * Records a PENDING job owned by the key {@code ownerKeyId}, held by this replica; its work
   * records its own state under the same {@code id}.
   */
  Job create(UUID id, String kind, String result, long total, UUID ownerKeyId);

  /** Moves a PENDING job to RUNNING; false when it is no longer PENDING (it was cancelled). */
  boolean start(UUID id);

  /**
   * Records {@code done} of {@code total} units of this replica's RUNNING job; false when it is not
   * (another replica took it over), and then the work must stop.
   */
  boolean progress(UUID id, long done, long total);

  /** Marks this replica's RUNNING job SUCCEEDED; false when it is not (it lost the job). */
  boolean succeed(UUID id);

  /** Marks this replica's PENDING or RUNNING job FAILED; false when it is not. */
  boolean fail(UUID id, String error);

  /**
   * Asks a job to stop: a PENDING job is CANCELLED at once, a RUNNING one when its work reaches the
   * next point where it can stop (see {@link #cancelRequested}). Returns false when it had already
   * finished, and then changes nothing. Any replica may ask.
   */
  boolean cancel(UUID id);

  /** Whether someone asked the job to stop. */
  boolean cancelRequested(UUID id);

  /**
   * Marks this replica's RUNNING job CANCELLED, once its work stopped at a cancellation request.
   */
  void cancelled(UUID id);

  Optional<Job> find(UUID id);

  /** Extends the lease of every unfinished job this replica holds; returns how many. */
  int renewLeases();

  /**
   * Takes over the unfinished jobs of {@code kind} that other replicas held under a lease now
   * expired: each is claimed by exactly one replica (the claim is one conditional update), then
   * held by this one. Oldest first.
   */
  List<Job> claimExpired(String kind);

  /**
   * Fails with {@code reason} the unfinished jobs whose lease expired, except those of {@code
   * takenOverKinds}; returns how many.
   */
  int failExpired(String reason, Set<String> takenOverKinds);
}
