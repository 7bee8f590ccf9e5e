package dev.featurestore.core.jobs;

/**
 * What long-running work reports its progress to and asks, between units of work, whether it should
 * stop. Implementations are safe to call from several threads.
 */
public interface JobMonitor {
  /** For work that runs while its caller waits: nobody watches it and nobody can cancel it. */
  JobMonitor UNWATCHED =
      new JobMonitor() {
        @Override
        public void progress(long done, long total) {}

        @Override
        public void checkNotCancelled() {}
      };

  /**
   * {@code done} of {@code total} units, whose kind the work defines; the total may be revised as
   * the work learns its size.
   */
  void progress(long done, long total);

  /**
   * Work calls this at every boundary where it can stop cleanly.
   *
   * @throws JobCancelledException when the job was asked to stop
   */
  void checkNotCancelled();
}
