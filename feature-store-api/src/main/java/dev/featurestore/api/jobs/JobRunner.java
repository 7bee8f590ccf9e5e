package dev.featurestore.api.jobs;

import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobCancelledException;
import dev.featurestore.core.jobs.JobMonitor;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.security.ApiKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Runs jobs in the background, one at a time per core so that a big join does not starve the API.
 * At start, jobs a stopped server left PENDING or RUNNING are marked FAILED: none stays RUNNING
 * forever, and the caller can simply ask again.
 */
@Component
public class JobRunner implements ApplicationRunner, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

  /** How often a running job's progress is written and its cancellation looked up, at most. */
  private static final Duration MONITOR_INTERVAL = Duration.ofMillis(200);

  private final Jobs jobs;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
          Thread.ofPlatform().name("job-", 0).daemon(true).factory());

  private final List<ResumableWork> resumable;

  JobRunner(Jobs jobs, List<ResumableWork> resumable) {
    this.jobs = jobs;
    this.resumable = List.copyOf(resumable);
  }

  /** Work that reports progress and checks for cancellation through the monitor. */
  @FunctionalInterface
  public interface Work {
    void run(JobMonitor monitor) throws Exception;
  }

  /** Jobs of a kind that a restarted server finishes, rather than failing them. */
  public interface ResumableWork {
    String kind();

    /** The work that finishes {@code job}, wherever the stopped server left it. */
    Work resume(Job job);
  }

  /**
   * Whether jobs of {@code kind} always run to the end, across restarts (and cannot be cancelled).
   */
  public boolean mustFinish(String kind) {
    return resumable.stream().anyMatch(work -> work.kind().equals(kind));
  }

  /**
   * Records a job of {@code kind} whose result will be at {@code resultUri}, owned by {@code
   * owner}, and starts it.
   */
  public Job submit(String kind, String resultUri, long totalSteps, ApiKey owner, Work work) {
    return start(jobs.create(UUID.randomUUID(), kind, resultUri, totalSteps, owner.id()), work);
  }

  /** Starts a job recorded with {@link Jobs#create}, for work that records its own state first. */
  public Job start(Job job, Work work) {
    executor.submit(() -> run(job, work));
    return job;
  }

  private void run(Job job, Work work) {
    UUID id = job.id();
    // A job cancelled while it waited still runs, to discard what was prepared for it: its first
    // check for cancellation stops it.
    // A job resumed after a restart is RUNNING already.
    boolean running = jobs.start(id) || job.status() == JobStatus.RUNNING;
    JobMonitor monitor = running ? new CatalogMonitor(id) : CANCELLED_BEFORE_START;
    try {
      work.run(monitor);
      jobs.succeed(id);
    } catch (Exception e) {
      if (causedByCancellation(e)) {
        log.info("Job {} ({}) stopped: it was cancelled", id, job.kind());
        jobs.cancelled(id);
      } else {
        log.warn("Job {} ({}) failed", id, job.kind(), e);
        jobs.fail(id, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
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

  private static boolean causedByCancellation(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof JobCancelledException) {
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
        jobs.progress(id, done, total);
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
  public void run(ApplicationArguments arguments) {
    Set<String> resumedKinds = new HashSet<>();
    resumable.forEach(work -> resumedKinds.add(work.kind()));
    int failed =
        jobs.failUnfinished(
            "the server stopped while the job was running; submit it again", resumedKinds);
    if (failed > 0) {
      log.warn("Marked {} unfinished job(s) of a previous run as FAILED", failed);
    }
    for (ResumableWork work : resumable) {
      for (Job job : jobs.unfinished(work.kind())) {
        log.info("Resuming job {} ({}) left unfinished by a previous run", job.id(), job.kind());
        executor.submit(() -> run(job, work.resume(job)));
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
