package dev.featurestore.testing;

import java.util.function.Consumer;

/**
 * The offline join workloads of {@code benchmarks.md}, generated deterministically and in chunks of
 * primitive arrays so that even M streams without holding rows as objects. Row {@code i} of the
 * group belongs to commit {@code i / keyCount + 1} (one version of every key per commit) and has
 * key {@code i % keyCount}; every value is a hash of the seed and the row's index, so any chunk can
 * be generated on its own.
 */
public record BenchmarkWorkload(
    String name, int keyCount, int versionsPerKey, int featureCount, int spineRowCount, long seed) {
  /** 100,000 keys x 50 versions = 5M rows, 10 float64 features; spine of 1M rows. */
  public static final BenchmarkWorkload S =
      new BenchmarkWorkload("S", 100_000, 50, 10, 1_000_000, 42);

  /** 400,000 keys x 50 versions = 20M rows, 10 float64 features; spine of 5M rows. */
  public static final BenchmarkWorkload M =
      new BenchmarkWorkload("M", 400_000, 50, 10, 5_000_000, 42);

  /** 2,000,000 keys x 50 versions = 100M rows, 10 float64 features; spine of 20M rows. */
  public static final BenchmarkWorkload L =
      new BenchmarkWorkload("L", 2_000_000, 50, 10, 20_000_000, 42);

  /** 2025-01-01T00:00:00Z: event and spine times fall in the year after it. */
  public static final long START_MICROS = 1_735_689_600_000_000L;

  public static final long YEAR_MICROS = 365L * 24 * 3600 * 1_000_000;

  /** About one spine key in eleven is absent from the group. */
  public static final double ABSENT_KEY_SHARE = 1.0 / 11;

  /**
   * The workload named {@code S}, {@code M} or {@code L}, or {@code L/N}: L with N times fewer keys
   * and spine rows (same versions per key), to try the L harness at a size that runs in minutes.
   */
  public static BenchmarkWorkload named(String name) {
    int slash = name.indexOf('/');
    BenchmarkWorkload base =
        switch (slash < 0 ? name : name.substring(0, slash)) {
          case "S" -> S;
          case "M" -> M;
          case "L" -> L;
          default -> throw new IllegalArgumentException("no workload " + name);
        };
    if (slash < 0) {
      return base;
    }
    int divisor = Integer.parseInt(name.substring(slash + 1));
    return new BenchmarkWorkload(
        name,
        base.keyCount / divisor,
        base.versionsPerKey,
        base.featureCount,
        base.spineRowCount / divisor,
        base.seed);
  }

  public long featureRowCount() {
    return (long) keyCount * versionsPerKey;
  }

  /** Column names of the features: {@code f0..f(featureCount-1)}. */
  public String featureName(int index) {
    return "f" + index;
  }

  /** Group rows {@code [first, first + rowCount)} as columns. */
  public record FeatureChunk(
      long firstRow,
      int rowCount,
      long[] keys,
      long[] eventTimeMicros,
      long[] commitSequences,
      long[] rowOrdinals,
      double[][] features) {}

  /** Spine rows {@code [first, first + rowCount)} as columns. */
  public record SpineChunk(long firstRow, int rowCount, long[] keys, long[] spineTimeMicros) {}

  public void generateFeatureChunks(int chunkRows, Consumer<FeatureChunk> consumer) {
    long total = featureRowCount();
    for (long first = 0; first < total; first += chunkRows) {
      int rowCount = (int) Math.min(chunkRows, total - first);
      long[] keys = new long[rowCount];
      long[] eventTimes = new long[rowCount];
      long[] commits = new long[rowCount];
      long[] ordinals = new long[rowCount];
      double[][] features = new double[featureCount][rowCount];
      for (int i = 0; i < rowCount; i++) {
        long row = first + i;
        keys[i] = row % keyCount;
        eventTimes[i] = START_MICROS + Math.floorMod(hash(seed, row, -1), YEAR_MICROS);
        commits[i] = row / keyCount + 1;
        ordinals[i] = row % keyCount;
        for (int f = 0; f < featureCount; f++) {
          features[f][i] = (hash(seed, row, f) >>> 11) * 0x1.0p-53;
        }
      }
      consumer.accept(
          new FeatureChunk(first, rowCount, keys, eventTimes, commits, ordinals, features));
    }
  }

  public void generateSpineChunks(int chunkRows, Consumer<SpineChunk> consumer) {
    long keyRange = Math.round(keyCount / (1 - ABSENT_KEY_SHARE));
    for (long first = 0; first < spineRowCount; first += chunkRows) {
      int rowCount = (int) Math.min(chunkRows, spineRowCount - first);
      long[] keys = new long[rowCount];
      long[] times = new long[rowCount];
      for (int i = 0; i < rowCount; i++) {
        long row = first + i;
        keys[i] = Math.floorMod(hash(seed + 1, row, -2), keyRange);
        times[i] = START_MICROS + Math.floorMod(hash(seed + 1, row, -3), YEAR_MICROS);
      }
      consumer.accept(new SpineChunk(first, rowCount, keys, times));
    }
  }

  /** SplitMix64 over the seed, row and column: cheap, well mixed and reproducible. */
  static long hash(long seed, long row, int column) {
    long z = seed * 0x9E3779B97F4A7C15L + row * 0xBF58476D1CE4E5B9L + column * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
