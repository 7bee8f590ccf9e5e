package dev.featurestore.core.ingest;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs two pieces of work at once: one offered to a shared pool, the other on the calling thread.
 * When no pool thread has started the offered piece by the time the caller is done with its own,
 * the caller runs it too, so a caller that is itself a thread of that pool never waits for a turn
 * that only it could give (no deadlock, and no worse than running both in turn). A commit's store
 * step uses it to sort, gather and encode a batch on both cores while, on two cores, the other one
 * is otherwise idle whenever the next batch has been decoded.
 */
public final class ParallelPair {
  private ParallelPair() {}

  /**
   * Runs {@code offered} (on a thread of {@code helpers} when one is free) and {@code own} (here)
   * and returns when both are done. A failure of either is thrown after both have ended, the
   * other's failure suppressed in it, so the caller may free what both used.
   */
  public static void run(Executor helpers, Runnable offered, Runnable own) {
    FutureTask<Void> task = new FutureTask<>(offered, null);
    try {
      helpers.execute(task);
    } catch (RejectedExecutionException shuttingDown) {
      // Runs below, on this thread.
    }
    Throwable failure = null;
    try {
      own.run();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    task.run(); // a no-op once a helper thread has started it
    // Waits even when interrupted: the helper may still use what the caller frees next.
    boolean interrupted = false;
    while (true) {
      try {
        task.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        failure = combined(failure, e.getCause());
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    switch (failure) {
      case null -> {}
      case RuntimeException runtime -> throw runtime;
      case Error error -> throw error;
      default -> throw new IllegalStateException(failure);
    }
  }

  private static Throwable combined(Throwable first, Throwable second) {
    if (first == null) {
      return second;
    }
    first.addSuppressed(second);
    return first;
  }
}
