package dev.featurestore.api.jobs;

import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobCancelledException;
import dev.featurestore.core.jobs.JobMonitor;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.security.ApiKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs jobs in the background, one at a time per core so that a big join does not starve the API.
 * Jobs are held under this replica's lease (see {@link LeaseHeartbeat}); the jobs of a replica that
 * stopped are taken over once their lease expired, by the {@link TakeOver} of their kind, or failed
 * with a reason: none stays RUNNING forever, and the caller can simply ask again.
 */
@Component
public class JobRunner implements LeasedWork, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** How often a running job's progress is written and its cancellation looked up, at most. */
  private static final Duration MONITOR_INTERVAL = Duration.ofMillis(200);

  private final Jobs jobs;
  private final ThreadPoolExecutor executor = newExecutor();

  private final List<TakeOver> takeOvers;

  JobRunner(Jobs jobs, List<TakeOver> takeOvers) {
    this.jobs = jobs;
    this.takeOvers = List.copyOf(takeOvers);
  }

  private static ThreadPoolExecutor newExecutor() {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(),
        Thread.ofPlatform().name("job-", 0).daemon(true).factory());
  }

  /** Jobs of this replica waiting for a free job thread. */
  public int queuedJobs() {
    return executor.getQueue().size();
  }

  /** Work that reports progress and checks for cancellation through the monitor. */
  @FunctionalInterface
  public interface Work {
    void run(JobMonitor monitor) throws Exception;
  }

  /** How a replica goes on with jobs of a kind that a stopped replica left unfinished. */
  public abstract static class TakeOver {
    private final String kind;
    private final boolean mustFinish;

    /**
     * @param mustFinish whether jobs of this kind always run to the end, across replicas and
     *     restarts, and so cannot be cancelled
     */
    protected TakeOver(String kind, boolean mustFinish) {
      this.kind = kind;
      this.mustFinish = mustFinish;
    }

    public final String kind() {
      return kind;
    }

    /** The work that ends {@code job}, wherever the stopped replica left it. */
    public abstract Work takeOver(Job job);
  }

  /**
   * Whether jobs of {@code kind} always run to the end, across restarts (and cannot be cancelled).
   */
  public boolean mustFinish(String kind) {
    return takeOvers.stream().anyMatch(work -> work.kind.equals(kind) && work.mustFinish);
  }

  /**
   * Records a job {@code id} of {@code kind} whose result will be at {@code resultUri}, owned by
   * {@code owner}, and starts it.
   */
  public Job submit(
      UUID id, String kind, String resultUri, long totalSteps, ApiKey owner, Work work) {
    return start(jobs.create(id, kind, resultUri, totalSteps, owner.id()), work);
  }

  /** Starts a job recorded with {@link Jobs#create}, for work that records its own state first. */
  public Job start(Job job, Work work) {
    executor.execute(() -> run(job, work));
    return job;
  }

  private void run(Job job, Work work) {
    UUID id = job.id();
    // A job cancelled while it waited still runs, to discard what was prepared for it: its first
    // check for cancellation stops it.
    // A job taken over from a stopped replica may be RUNNING already.
    boolean running = jobs.start(id) || job.status() == JobStatus.RUNNING;
    JobMonitor monitor = running ? new CatalogMonitor(id) : CANCELLED_BEFORE_START;
    try {
      work.run(monitor);
      if (!jobs.succeed(id)) {
        log.warn("Job {} ({}) finished after another replica took it over", id, job.kind());
      }
    } catch (Throwable e) {
      // Throwable, not Exception: a job hit by an Error (OutOfMemoryError) must not stay RUNNING.
      // The Error is not rethrown: the job's memory is released as its frames unwind (its Arrow
      // buffers are closed by try-with-resources), the server can go on serving, and a rethrow
      // would end only this pool thread, not the JVM (-XX:+ExitOnOutOfMemoryError does that).
      end(job, e);
    }
  }

  private void end(Job job, Throwable failure) {
    UUID id = job.id();
    if (causedBy(failure, JobCancelledException.class)) {
      log.info("Job {} ({}) stopped: it was cancelled", id, job.kind());
      jobs.cancelled(id);
      return;
    }
    if (causedBy(failure, LostLeaseException.class)) {
      // Usually the job went to another replica too, and this fail changes nothing; if only its
      // training set was lost, the job fails with it.
      log.warn("Job {} ({}) stopped: {}", id, job.kind(), failure.getMessage());
    } else {
      log.error("Job {} ({}) failed", id, job.kind(), failure);
    }
    jobs.fail(id, failure.getClass().getSimpleName() + ": " + failure.getMessage());
  }

  private static final JobMonitor CANCELLED_BEFORE_START =
      new JobMonitor() {
        @Override
        public void progress(long done, long total) {}

        @Override
        public void checkNotCancelled() {
          throw new JobCancelledException("the job was cancelled before it started");
        }
      };

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports through the job's catalog row, so that every replica sees progress and cancellation
   * requests; writes and look-ups are throttled to one per {@link #MONITOR_INTERVAL} since work
   * reports after every batch.
   */
  private final class CatalogMonitor implements JobMonitor {
    private final UUID id;
    private long nextProgressWrite = System.nanoTime();
    private long nextCancelLookup = System.nanoTime();

    CatalogMonitor(UUID id) {
      this.id = id;
    }

    @Override
    public synchronized void progress(long done, long total) {
      long now = System.nanoTime();
      if (now - nextProgressWrite >= 0 || done == total) {
        nextProgressWrite = now + MONITOR_INTERVAL.toNanos();
        if (!jobs.progress(id, done, total)) {
          // Another replica took the job over: this one must stop before it changes more.
          throw new LostLeaseException("job " + id + " is no longer running on this replica");
        }
      }
    }

    @Override
    public synchronized void checkNotCancelled() {
      long now = System.nanoTime();
      if (now - nextCancelLookup >= 0) {
        nextCancelLookup = now + MONITOR_INTERVAL.toNanos();
        if (jobs.cancelRequested(id)) {
          throw new JobCancelledException("job " + id + " was cancelled");
        }
      }
    }
  }

  @Override
  public void renewLeases() {
    jobs.renewLeases();
  }

  @Override
  public void takeOverExpired() {
    Set<String> takenOverKinds = new HashSet<>();
    for (TakeOver takeOver : takeOvers) {
      takenOverKinds.add(takeOver.kind());
      for (Job job : jobs.claimExpired(takeOver.kind())) {
        log.info("Taking over job {} ({}) from a replica that stopped", job.id(), job.kind());
        start(job, takeOver.takeOver(job));
      }
    }
    int failed =
        jobs.failExpired(
            "the server running the job stopped (its lease expired); submit it again",
            takenOverKinds);
    if (failed > 0) {
      log.warn("Marked {} job(s) of stopped replicas as FAILED", failed);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
