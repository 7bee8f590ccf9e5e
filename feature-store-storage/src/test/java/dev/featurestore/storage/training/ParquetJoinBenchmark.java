package dev.featurestore.storage.training;

import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.memory.RecyclingAllocationManager;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.testing.BenchmarkWorkload;
import dev.featurestore.testing.ProcessStatus;
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
import java.util.ArrayList;
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
 *   <li>{@code duckdb}: DuckDB's ASOF LEFT JOIN over the same files to {@code duckdb.parquet}
 *       ({@code -Dduckdb.memory-limit=4GB} caps its memory, spilling to FOLDER/duckdb-spill; {@code
 *       -Dduckdb.profile=FILE} writes its profile of the join there, as JSON);
 *   <li>{@code compare}: whether the two outputs hold the same rows;
 *   <li>{@code compare-spark}: whether ours and the Spark side's ({@code SparkJoinBenchmark}, in
 *       {@value #SPARK_OUTPUT}) hold the same features for each spine row;
 *   <li>{@code summary} with a 4th argument {@code ours}, {@code duckdb} or {@code spark}: that
 *       output's row counts and order-independent hashes of its rows, to compare outputs too large
 *       to keep side by side.
 * </ul>
 *
 * The workload is S, M, L or L/N (see {@link BenchmarkWorkload#named}). See docs/benchmarks.md for
 * the command that interleaves them (benchmarks/run.sh).
 */
public final class ParquetJoinBenchmark {
  /** The folder of the Spark side's output, in FOLDER. */
  public static final String SPARK_OUTPUT = "spark-output";

  private ParquetJoinBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    String mode = arguments[0];
    BenchmarkWorkload workload = BenchmarkWorkload.named(arguments[1]);
    Path folder = Path.of(arguments[2]);
    int iterations =
        arguments.length > 3 && !mode.equals("summary") ? Integer.parseInt(arguments[3]) : 1;
    FeatureGroup group = ParquetJoinPipeline.group(workload, Duration.ZERO);
    int threads = Runtime.getRuntime().availableProcessors();
    switch (mode) {
      case "prepare" -> prepare(workload, group, folder);
      case "engine", "engine-no-write", "read" ->
          runEngine(mode, workload, group, folder, iterations, threads);
      case "duckdb" -> runDuckDb(workload, group, folder, iterations, threads);
      case "compare" -> compare(workload, folder);
      case "compare-spark" -> compareWithSpark(workload, folder);
      case "summary" -> summary(workload, folder, arguments[3]);
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
        if (mode.equals("read")) {
          long[] rows = {0};
          storedRows.forEachBatch(batch -> rows[0] += batch.getRowCount());
        } else {
          try (VectorSchemaRoot spine = ParquetJoinPipeline.spine(workload, allocator)) {
            start = System.nanoTime();
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
            ProcessStatus.peakResidentSet("self"),
            String.format(
                Locale.ROOT,
                "read threads %d, budget %,d MiB, peak Arrow %,d MiB, process CPU %.1f s so far",
                readThreads,
                options.memoryBudgetBytes() >> 20,
                allocator.getPeakMemoryAllocation() >> 20,
                ProcessStatus.cpuSeconds("self")));
      }
    }
  }

  private static void runDuckDb(
      BenchmarkWorkload workload, FeatureGroup group, Path folder, int iterations, int threads)
      throws SQLException, IOException {
    List<Path> files = groupFiles(folder);
    Path output = folder.resolve("duckdb.parquet");
    String memoryLimit = System.getProperty("duckdb.memory-limit");
    try (Connection duckDb = openDuckDb(folder)) {
      ParquetJoinPipeline.execute(duckDb, "SET threads = " + threads);
      String profile = System.getProperty("duckdb.profile");
      if (profile != null) {
        ParquetJoinPipeline.execute(duckDb, "PRAGMA enable_profiling = 'json'");
        ParquetJoinPipeline.execute(
            duckDb, "PRAGMA profiling_output = " + ParquetJoinPipeline.quoted(Path.of(profile)));
      }
      for (int iteration = 0; iteration < iterations; iteration++) {
        Files.deleteIfExists(output);
        long start = System.nanoTime();
        ParquetJoinPipeline.joinWithDuckDbAsof(
            duckDb, group, files, folder.resolve("spine.parquet"), output);
        report(
            "duckdb",
            workload,
            iteration,
            System.nanoTime() - start,
            ProcessStatus.peakResidentSet("self"),
            "threads "
                + threads
                + ", memory_limit "
                + (memoryLimit == null ? "default" : memoryLimit)
                + String.format(
                    Locale.ROOT, ", process CPU %.1f s so far", ProcessStatus.cpuSeconds("self")));
      }
    }
  }

  private static void compare(BenchmarkWorkload workload, Path folder) throws SQLException {
    try (Connection duckDb = openDuckDb(folder)) {
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

  private static void compareWithSpark(BenchmarkWorkload workload, Path folder)
      throws SQLException {
    try (Connection duckDb = openDuckDb(folder)) {
      System.out.printf(
          Locale.ROOT,
          "ours: %s; Spark: %s; spine rows whose features differ: %,d%n",
          counts(duckDb, oursByRow(workload, folder)),
          counts(duckDb, sparkByRow(workload, folder)),
          ParquetJoinPipeline.differingRows(
              duckDb, oursByRow(workload, folder), sparkByRow(workload, folder)));
    }
  }

  /**
   * Rows, rows with features, and the sums of the rows' hashes by spine row and by key and spine
   * time (the latter for outputs in any order, as DuckDB's): equal sums of 64-bit hashes over 20M
   * rows leave no practical chance for outputs that differ.
   */
  private static void summary(BenchmarkWorkload workload, Path folder, String output)
      throws SQLException {
    try (Connection duckDb = openDuckDb(folder)) {
      String line =
          switch (output) {
            case "ours" ->
                String.format(
                    Locale.ROOT,
                    "%s; hash by spine row %s; hash by key and time %s",
                    counts(duckDb, oursByRow(workload, folder)),
                    hashSum(duckDb, oursByRow(workload, folder)),
                    hashSum(duckDb, byKeyAndTime(workload, folder, output)));
            case "duckdb" ->
                String.format(
                    Locale.ROOT,
                    "%s; hash by key and time %s (its rows are in no particular order)",
                    counts(duckDb, byKeyAndTime(workload, folder, output)),
                    hashSum(duckDb, byKeyAndTime(workload, folder, output)));
            case "spark" ->
                String.format(
                    Locale.ROOT,
                    "%s; hash by spine row %s (its answer has no spine columns)",
                    counts(duckDb, sparkByRow(workload, folder)),
                    hashSum(duckDb, sparkByRow(workload, folder)));
            default -> throw new IllegalArgumentException("no output " + output);
          };
      System.out.println(output + ": " + line);
    }
  }

  private static String byKeyAndTime(BenchmarkWorkload workload, Path folder, String output) {
    return "SELECT user_id, spine_time, "
        + featureColumns(workload, "")
        + " FROM read_parquet("
        + ParquetJoinPipeline.quoted(folder.resolve(output + ".parquet"))
        + ")";
  }

  /** Ours in spine order: each row's number in the file and its features. */
  private static String oursByRow(BenchmarkWorkload workload, Path folder) {
    return "SELECT file_row_number AS r, "
        + featureColumns(workload, "")
        + " FROM read_parquet("
        + ParquetJoinPipeline.quoted(folder.resolve("ours.parquet"))
        + ", file_row_number = true)";
  }

  /** Spark's answer: the spine row number and group 0's features, as SparkJoinSql names them. */
  private static String sparkByRow(BenchmarkWorkload workload, Path folder) {
    return "SELECT _spine_row AS r, "
        + featureColumns(workload, "g0_")
        + " FROM read_parquet("
        + ParquetJoinPipeline.quoted(folder.resolve(SPARK_OUTPUT).resolve("*.parquet"))
        + ")";
  }

  private static String featureColumns(BenchmarkWorkload workload, String prefix) {
    List<String> columns = new ArrayList<>();
    for (int f = 0; f < workload.featureCount(); f++) {
      String name = workload.featureName(f);
      columns.add(prefix.isEmpty() ? name : prefix + name + " AS " + name);
    }
    return String.join(", ", columns);
  }

  private static String counts(Connection duckDb, String rows) throws SQLException {
    return String.format(
        Locale.ROOT,
        "%,d rows, %,d with features",
        ParquetJoinPipeline.count(duckDb, "SELECT count(*) FROM (" + rows + ")"),
        ParquetJoinPipeline.count(duckDb, "SELECT count(f0) FROM (" + rows + ")"));
  }

  private static String hashSum(Connection duckDb, String rows) throws SQLException {
    try (var statement = duckDb.createStatement();
        var result =
            statement.executeQuery(
                "SELECT sum(hash(row_values))::VARCHAR FROM (" + rows + ") row_values")) {
      result.next();
      return result.getString(1);
    }
  }

  /** An in-memory DuckDB, its memory capped (spilling to FOLDER) by -Dduckdb.memory-limit. */
  private static Connection openDuckDb(Path folder) throws SQLException {
    Connection duckDb = DriverManager.getConnection("jdbc:duckdb:");
    String memoryLimit = System.getProperty("duckdb.memory-limit");
    if (memoryLimit != null) {
      ParquetJoinPipeline.execute(duckDb, "SET memory_limit = '" + memoryLimit + "'");
      ParquetJoinPipeline.execute(
          duckDb,
          "SET temp_directory = " + ParquetJoinPipeline.quoted(folder.resolve("duckdb-spill")));
    }
    return duckDb;
  }

  private static List<Path> groupFiles(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder.resolve("group"))) {
      return files.sorted().toList();
    }
  }

  /** One timed join, as benchmarks/run.sh reads it; {@code peakResidentSet} as /proc says it. */
  public static void report(
      String mode,
      BenchmarkWorkload workload,
      int iteration,
      long nanos,
      String peakResidentSet,
      String details) {
    double seconds = nanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%s %s iteration %d: %.3f s, %,.0f spine rows/s, %,.0f feature rows/s, peak heap %,d MiB,"
            + " peak RSS %s, %s%n",
        mode,
        workload.name(),
        iteration,
        seconds,
        workload.spineRowCount() / seconds,
        workload.featureRowCount() / seconds,
        peakHeap() >> 20,
        peakResidentSet,
        details);
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

  /** Drops the output, to time the join without the Parquet write. */
  private static final class DroppingSink implements JoinOutputSink {
    @Override
    public void begin(Schema schema) {}

    @Override
    public void accept(VectorSchemaRoot batch) {}
  }
}
