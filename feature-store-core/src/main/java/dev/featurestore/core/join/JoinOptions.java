package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Tuning of the join engine: how many threads work on one join, how many rows each output batch
 * holds, how much memory (heap and Arrow buffers together) one join may use, and where it spills
 * partitions when its input outgrows that budget.
 */
public record JoinOptions(
    int parallelism, int outputBatchRows, long memoryBudgetBytes, Path spillDirectory) {
  public static final JoinOptions DEFAULT =
      new JoinOptions(Runtime.getRuntime().availableProcessors(), 64 * 1024);

  public JoinOptions {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    if (outputBatchRows < 1) {
      throw new IllegalArgumentException("outputBatchRows must be at least 1");
    }
    if (memoryBudgetBytes < 1) {
      throw new IllegalArgumentException("memoryBudgetBytes must be positive");
    }
    requireNonNull(spillDirectory, "spillDirectory is null");
  }

  /**
   * Half the maximum heap as the budget (Arrow buffers are off heap, but their size is of the same
   * order as the heap's on a machine sized for it), spilling to {@code java.io.tmpdir}.
   */
  public JoinOptions(int parallelism, int outputBatchRows) {
    this(
        parallelism,
        outputBatchRows,
        Runtime.getRuntime().maxMemory() / 2,
        Path.of(System.getProperty("java.io.tmpdir")));
  }

  public JoinOptions withMemoryBudget(long bytes) {
    return new JoinOptions(parallelism, outputBatchRows, bytes, spillDirectory);
  }

  public JoinOptions withSpillDirectory(Path directory) {
    return new JoinOptions(parallelism, outputBatchRows, memoryBudgetBytes, directory);
  }
}
