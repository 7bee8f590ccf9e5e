package dev.featurestore.core.jobs;

import java.util.Optional;
import java.util.UUID;

/** The record of jobs; the runner lives in the server. */
public interface Jobs {
  Job create(String kind, String result, long total);

  void start(UUID id);

  void progress(UUID id, long done);

  void succeed(UUID id);

  void fail(UUID id, String error);

  /** Asks a job to stop; returns false when it had already finished. */
  boolean cancel(UUID id);

  Optional<Job> find(UUID id);

  /**
   * Jobs a stopped server left PENDING or RUNNING are failed with {@code reason}; returns how many.
   */
  int failUnfinished(String reason);
}
