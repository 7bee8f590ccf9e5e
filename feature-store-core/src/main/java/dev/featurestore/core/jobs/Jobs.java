package dev.featurestore.core.jobs;

import java.util.Optional;
import java.util.UUID;

/** The record of jobs; the runner lives in the server. */
public interface Jobs {
  /** Records a PENDING job; its work records its own state under the same {@code id}. */
  Job create(UUID id, String kind, String result, long total);

  void start(UUID id);

  void progress(UUID id, long done);

  void succeed(UUID id);

  void fail(UUID id, String error);

  /** Asks a job to stop; returns false when it had already finished. */
  boolean cancel(UUID id);

  Optional<Job> find(UUID id);

  /** Jobs of {@code kind} that are PENDING or RUNNING, oldest first. */
  java.util.List<Job> unfinished(String kind);

  /**
   * Jobs a stopped server left PENDING or RUNNING are failed with {@code reason}, except those of
   * {@code resumedKinds}, which the server finishes; returns how many failed.
   */
  int failUnfinished(String reason, java.util.Set<String> resumedKinds);
}
