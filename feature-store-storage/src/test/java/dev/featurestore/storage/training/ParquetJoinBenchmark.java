package dev.featurestore.storage.training;

import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.memory.RecyclingAllocationManager;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.testing.BenchmarkWorkload;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The end-to-end join benchmark of {@code benchmarks.md}: Parquet feature files to a Parquet
 * output, by our components or by DuckDB, one of them per JVM so that each process's peak RSS is
 * its own. Arguments: {@code MODE S|M FOLDER [ITERATIONS]}, where MODE is
 *
 * <ul>
 *   <li>{@code prepare}: writes the group (one file per commit) and the spine to FOLDER;
 *   <li>{@code engine}: FeatureFileReader, the engine and ArrowParquetWriter to {@code
 *       ours.parquet};
 *   <li>{@code engine-no-write}: the same, output batches dropped (the write's share by
 *       difference);
 *   <li>{@code read}: only reads the group's files through FeatureFileReader (the read's share);
 *   <li>{@code duckdb}: DuckDB's ASOF LEFT JOIN over the same files to {@code duckdb.parquet};
 *   <li>{@code compare}: whether the two outputs hold the same rows.
 * </ul>
 *
 * See docs/benchmarks-join.md for the command that interleaves them.
 */
public final class ParquetJoinBenchmark {
  private ParquetJoinBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    String mode = arguments[0];
    BenchmarkWorkload workload =
        arguments[1].equals("M") ? BenchmarkWorkload.M : BenchmarkWorkload.S;
    Path folder = Path.of(arguments[2]);
    int iterations = arguments.length > 3 ? Integer.parseInt(arguments[3]) : 1;
    FeatureGroup group = ParquetJoinPipeline.group(workload, Duration.ZERO);
    int threads = Runtime.getRuntime().availableProcessors();
    switch (mode) {
      case "prepare" -> prepare(workload, group, folder);
      case "engine", "engine-no-write", "read" ->
          runEngine(mode, workload, group, folder, iterations, threads);
      case "duckdb" -> runDuckDb(workload, group, folder, iterations, threads);
      case "compare" -> compare(workload, folder);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static void prepare(BenchmarkWorkload workload, FeatureGroup group, Path folder)
      throws IOException {
    Files.createDirectories(folder.resolve("group"));
    try (RootAllocator allocator = new RootAllocator()) {
      ParquetJoinPipeline.writeGroupFiles(workload, group, folder.resolve("group"), allocator);
      try (VectorSchemaRoot spine = ParquetJoinPipeline.spine(workload, allocator)) {
        ParquetJoinPipeline.writeSpine(spine, folder.resolve("spine.parquet"));
      }
    }
  }

  private static void runEngine(
      String mode,
      BenchmarkWorkload workload,
      FeatureGroup group,
      Path folder,
      int iterations,
      int threads)
      throws IOException {
    List<Path> files = groupFiles(folder);
    Path output = folder.resolve("ours.parquet");
    JoinOptions options = new JoinOptions(threads, 64 * 1024).withSpillDirectory(folder);
    // -Dread.threads=1 reads the files one after another, as before parallel reading.
    int readThreads = Integer.getInteger("read.threads", threads);
    // As the server's; -Drecycling=false measures Arrow's own allocation manager instead.
    boolean recycling = Boolean.parseBoolean(System.getProperty("recycling", "true"));
    try (RootAllocator allocator =
        recycling ? RecyclingAllocationManager.newRootAllocator() : new RootAllocator()) {
      StoredRowSource storedRows =
          ParquetJoinPipeline.storedRows(group, files, readThreads, allocator);
      for (int iteration = 0; iteration < iterations; iteration++) {
        Files.deleteIfExists(output);
        long start = System.nanoTime();
        long startCpu = processCpuNanos();
        if (mode.equals("read")) {
          long[] rows = {0};
          storedRows.forEachBatch(batch -> rows[0] += batch.getRowCount());
        } else {
          try (VectorSchemaRoot spine = ParquetJoinPipeline.spine(workload, allocator)) {
            start = System.nanoTime();
            startCpu = processCpuNanos();
            if (mode.equals("engine")) {
              try (ParquetJoinPipeline.ParquetSink sink =
                  new ParquetJoinPipeline.ParquetSink(output)) {
                ParquetJoinPipeline.joinWithEngine(
                    group, Long.MAX_VALUE, storedRows, spine, options, allocator, sink);
                sink.finish();
              }
            } else {
              ParquetJoinPipeline.joinWithEngine(
                  group, Long.MAX_VALUE, storedRows, spine, options, allocator, new DroppingSink());
            }
          }
        }
        report(
            mode,
            workload,
            iteration,
            System.nanoTime() - start,
            processCpuNanos() - startCpu,
            String.format(
                Locale.ROOT,
                "read threads %d, budget %,d MiB, peak Arrow %,d MiB",
                readThreads,
                options.memoryBudgetBytes() >> 20,
                allocator.getPeakMemoryAllocation() >> 20));
      }
    }
  }

  private static void runDuckDb(
      BenchmarkWorkload workload, FeatureGroup group, Path folder, int iterations, int threads)
      throws SQLException, IOException {
    List<Path> files = groupFiles(folder);
    Path output = folder.resolve("duckdb.parquet");
    try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
      ParquetJoinPipeline.execute(duckDb, "SET threads = " + threads);
      for (int iteration = 0; iteration < iterations; iteration++) {
        Files.deleteIfExists(output);
        long start = System.nanoTime();
        long startCpu = processCpuNanos();
        ParquetJoinPipeline.joinWithDuckDbAsof(
            duckDb, group, files, folder.resolve("spine.parquet"), output);
        report(
            "duckdb",
            workload,
            iteration,
            System.nanoTime() - start,
            processCpuNanos() - startCpu,
            "threads " + threads);
      }
    }
  }

  private static void compare(BenchmarkWorkload workload, Path folder) throws SQLException {
    try (Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
      Path ours = folder.resolve("ours.parquet");
      String rows = "SELECT count(*) FROM read_parquet(" + ParquetJoinPipeline.quoted(ours) + ")";
      System.out.printf(
          Locale.ROOT,
          "ours: %,d rows (spine %,d), %,d with features; rows differing from DuckDB's: %,d%n",
          ParquetJoinPipeline.count(duckDb, rows),
          workload.spineRowCount(),
          ParquetJoinPipeline.count(duckDb, rows + " WHERE f0 IS NOT NULL"),
          ParquetJoinPipeline.differingRows(duckDb, ours, folder.resolve("duckdb.parquet")));
    }
  }

  private static List<Path> groupFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder.resolve("group"))) {
      return files.sorted().toList();
    }
  }

  private static void report(
      String mode,
      BenchmarkWorkload workload,
      int iteration,
      long nanos,
      long cpuNanos,
      String details)
      throws IOException {
    double seconds = nanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s %s iteration %d: %.3f s, %,.0f spine rows/s, %,.0f feature rows/s, peak heap %,d MiB,"
            + " peak RSS %s, process CPU %.3f s, %s%n",
        mode,
        workload.name(),
        iteration,
        seconds,
        workload.spineRowCount() / seconds,
        workload.featureRowCount() / seconds,
        peakHeap() >> 20,
        peakResidentSet(),
        cpuNanos / 1e9,
        details);
  }

  /**
   * CPU time of the whole process (every thread, the JIT's and collector's included, and DuckDB's
   * native threads): on a shared machine, far less sensitive to other processes than wall time.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Peak heap since the JVM started: the sum of the heap pools' peaks. */
  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** The process's peak resident set ({@code VmHWM}), which counts DuckDB's native memory. */
  private static String peakResidentSet() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
      return lines
          .filter(line -> line.startsWith("VmHWM:"))
          .map(line -> line.substring("VmHWM:".length()).trim())
          .findFirst()
          .orElse("unknown");
    }
  }

  /** Drops the output, to time the join without the Parquet write. */
  private static final class DroppingSink implements JoinOutputSink {
    @Override
    public void begin(Schema schema) {}

    @Override
    public void accept(VectorSchemaRoot batch) {}
  }
}
