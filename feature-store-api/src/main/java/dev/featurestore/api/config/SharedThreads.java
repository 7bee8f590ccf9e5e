package dev.featurestore.api.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;

/**
 * The thread pools the server's work shares, created once and closed with the application: work
 * reuses their threads instead of starting its own per call, and concurrent calls together use no
 * more threads than the pools hold.
 *
 * <p>A bean of its own rather than the pools themselves: an {@code Executor} bean would replace
 * Spring's own task executor.
 *
 * @param joins the training-set joins' threads, {@code feature-store.join.parallelism} of them
 * @param fileReads the threads that decode feature files for reads, one per processor
 * @param fileWrites the threads that sort and store a commit's full batches while the next one is
 *     decoded, and encode the row groups of Parquet outputs, one per processor
 */
public record SharedThreads(
    ForkJoinPool joins, ExecutorService fileReads, ExecutorService fileWrites)
    implements AutoCloseable {
  public static SharedThreads of(FeatureStoreProperties properties) {
    return new SharedThreads(
        new ForkJoinPool(properties.join().options().parallelism()),
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().name("file-reader-", 0).daemon().factory()),
        Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(),
            Thread.ofPlatform().name("file-writer-", 0).daemon().factory()));
  }

  @Override
  public void close() {
    joins.close();
    fileReads.close();
    fileWrites.close();
  }
}
