package dev.featurestore.api.config;

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
 */
public record SharedThreads(ForkJoinPool joins) implements AutoCloseable {
  public static SharedThreads of(FeatureStoreProperties properties) {
    return new SharedThreads(new ForkJoinPool(properties.join().options().parallelism()));
  }

  @Override
  public void close() {
    joins.close();
  }
}
