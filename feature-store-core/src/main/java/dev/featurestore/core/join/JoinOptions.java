package dev.featurestore.core.join;

/**
 * Tuning of the join engine: how many threads work on one join, and how many rows each output batch
 * holds.
 */
public record JoinOptions(int parallelism, int outputBatchRows) {
  public static final JoinOptions DEFAULT =
      new JoinOptions(Runtime.getRuntime().availableProcessors(), 64 * 1024);

  public JoinOptions {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    if (outputBatchRows < 1) {
      throw new IllegalArgumentException("outputBatchRows must be at least 1");
    }
  }
}
