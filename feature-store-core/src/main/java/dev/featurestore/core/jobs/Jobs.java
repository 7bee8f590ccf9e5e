package dev.featurestore.core.jobs;

import java.util.Optional;
import java.util.UUID;

/** The record of jobs; the runner lives in the server. */
public interface Jobs {
  /**
   * Records a PENDING job owned by the key {@code ownerKeyId}; its work records its own state under
   * the same {@code id}.
   */
  Job create(UUID id, String kind, String result, long total, UUID ownerKeyId);

  /** Moves a PENDING job to RUNNING; false when it is no longer PENDING (it was cancelled). */
  boolean start(UUID id);

  /** Records {@code done} of {@code total} units. */
  void progress(UUID id, long done, long total);

  void succeed(UUID id);

  void fail(UUID id, String error);

  /**
   * Asks a job to stop: a PENDING job is CANCELLED at once, a RUNNING one when its work reaches the
   * next point where it can stop (see {@link #cancelRequested}). Returns false when it had already
   * finished, and then changes nothing.
   */
  boolean cancel(UUID id);

  /** Whether someone asked the job to stop. */
  boolean cancelRequested(UUID id);

  /** Marks a RUNNING job CANCELLED, once its work stopped at a cancellation request. */
  void cancelled(UUID id);

  Optional<Job> find(UUID id);

  /** Jobs of {@code kind} that are PENDING or RUNNING, oldest first. */
  java.util.List<Job> unfinished(String kind);

  /**
   * Jobs a stopped server left PENDING or RUNNING are failed with {@code reason}, except those of
   * {@code resumedKinds}, which the server finishes; returns how many failed.
   */
  int failUnfinished(String reason, java.util.Set<String> resumedKinds);
}
