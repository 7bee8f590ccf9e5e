package dev.featurestore.storage.parquet;

import com.sun.management.OperatingSystemMXBean;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Writes 5M stored rows (100k string keys x 50 versions, 10 FLOAT64 features) with {@link
 * FeatureFileWriter} and with DuckDB's {@code COPY}, then reads them back with {@link
 * FeatureFileReader}; prints rows/s, MB/s of uncompressed Arrow data and the ratio to DuckDB. How
 * to run it: docs/benchmarks-parquet.md. {@code -Dbenchmark.rows=N} shrinks the run.
 */
public final class ParquetWriteBenchmark {
  private static final int VERSIONS_PER_KEY = 50;
  private static final int FEATURES = 10;
  private static final int BATCH_ROWS = 65_536;
  private static final long BASE_SECONDS = 1_767_225_600L; // 2026-01-01T00:00:00Z
  private static final long MICROS_PER_SECOND = 1_000_000L;

  /** CPU seconds of the whole process (our threads and DuckDB's), robust to a busy machine. */
  private static final OperatingSystemMXBean OPERATING_SYSTEM =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private ParquetWriteBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    int rows = Integer.getInteger("benchmark.rows", 5_000_000);
    Path directory = Files.createTempDirectory("parquet-benchmark");
    FeatureGroup group = benchmarkGroup();
    System.out.printf(
        Locale.ROOT,
        "%d rows (%d keys x %d versions), %d FLOAT64 features, %d cores, %s%n",
        rows,
        rows / VERSIONS_PER_KEY,
        VERSIONS_PER_KEY,
        FEATURES,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + Runtime.version());
    try (BufferAllocator allocator = new RootAllocator();
        Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
      long arrowBytes = arrowBytes(group, rows, allocator);
      createDuckDbTable(duckDb, rows);
      for (int round = 1; round <= 2; round++) {
        System.out.printf(Locale.ROOT, "-- round %d (round 1 includes JIT warm-up)%n", round);
        for (CompressionCodecName codec :
            List.of(CompressionCodecName.ZSTD, CompressionCodecName.SNAPPY)) {
          Path ours = directory.resolve("ours-" + codec + ".parquet");
          Files.deleteIfExists(ours);
          Stopwatch ourWrite = writeOurs(group, rows, ours, codec, allocator);
          Path theirs = directory.resolve("duckdb-" + codec + ".parquet");
          Files.deleteIfExists(theirs);
          Stopwatch duckDbWrite = copyWithDuckDb(duckDb, theirs, codec);
          report("write ours   " + codec, rows, arrowBytes, ourWrite, Files.size(ours));
          report("write DuckDB " + codec, rows, arrowBytes, duckDbWrite, Files.size(theirs));
          compare("write", ourWrite, duckDbWrite);
          Stopwatch ourRead = readOurs(group, ours, rows, allocator);
          Stopwatch duckDbRead = readWithDuckDb(duckDb, ours, rows);
          report("read ours    " + codec, rows, arrowBytes, ourRead, Files.size(ours));
          report("scan DuckDB  " + codec, rows, arrowBytes, duckDbRead, Files.size(ours));
          compare("read", ourRead, duckDbRead);
        }
      }
    } finally {
      try (var files = Files.list(directory)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(directory);
    }
  }

  private static FeatureGroup benchmarkGroup() {
    List<FeatureDefinition> features = new ArrayList<>();
    for (int feature = 0; feature < FEATURES; feature++) {
      features.add(FeatureDefinition.scalar("f" + feature, FeatureType.FLOAT64));
    }
    return new FeatureGroup(
        "benchmark", new Entity("key", KeyType.STRING, ""), features, Duration.ZERO, false, "", 1);
  }

  /** The same deterministic value DuckDB computes in {@link #createDuckDbTable}. */
  private static double featureValue(long row, int feature) {
    return ((row * 1_103_515_245L + 12_345L * (feature + 1)) & 0x7fff_ffffL) / 2_147_483_648.0;
  }

  private static void fill(VectorSchemaRoot batch, long firstRow, int rows) {
    batch.allocateNew();
    VarCharVector keys = (VarCharVector) batch.getVector(0);
    TimeStampMicroTZVector eventTimes = (TimeStampMicroTZVector) batch.getVector(1);
    BigIntVector commitSequences = (BigIntVector) batch.getVector(2);
    TimeStampMicroTZVector writeTimes = (TimeStampMicroTZVector) batch.getVector(3);
    BigIntVector rowOrdinals = (BigIntVector) batch.getVector(4);
    for (int index = 0; index < rows; index++) {
      long row = firstRow + index;
      long version = row % VERSIONS_PER_KEY;
      keys.setSafe(
          index, "k%06d".formatted(row / VERSIONS_PER_KEY).getBytes(StandardCharsets.US_ASCII));
      eventTimes.setSafe(index, (BASE_SECONDS + version * 3600) * MICROS_PER_SECOND);
      commitSequences.setSafe(index, 1 + version / 10);
      writeTimes.setSafe(index, (BASE_SECONDS + 86_400 + version / 10) * MICROS_PER_SECOND);
      rowOrdinals.setSafe(index, row);
      for (int feature = 0; feature < FEATURES; feature++) {
        ((Float8Vector) batch.getVector(5 + feature)).setSafe(index, featureValue(row, feature));
      }
    }
    batch.setRowCount(rows);
  }

  private static long arrowBytes(FeatureGroup group, int rows, BufferAllocator allocator) {
    long bytes = 0;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator)) {
      for (long first = 0; first < rows; first += BATCH_ROWS) {
        int batchRows = (int) Math.min(BATCH_ROWS, rows - first);
        fill(batch, first, batchRows);
        for (FieldVector vector : batch.getFieldVectors()) {
          bytes += vector.getBufferSize();
        }
      }
    }
    return bytes;
  }

  /** Times the writer only; generating the batches is not counted. */
  private static Stopwatch writeOurs(
      FeatureGroup group,
      int rows,
      Path file,
      CompressionCodecName codec,
      BufferAllocator allocator)
      throws IOException {
    Stopwatch stopwatch = new Stopwatch();
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator);
        FeatureFileWriter writer =
            FeatureFileWriter.create(group, file, ParquetCompression.of(codec))) {
      for (long first = 0; first < rows; first += BATCH_ROWS) {
        fill(batch, first, (int) Math.min(BATCH_ROWS, rows - first));
        stopwatch.start();
        writer.write(batch);
        stopwatch.stop();
      }
      stopwatch.start();
      DataFileStats stats = writer.finish();
      stopwatch.stop();
      if (stats.rowCount() != rows) {
        throw new IllegalStateException("wrote " + stats.rowCount() + " rows, not " + rows);
      }
    }
    return stopwatch;
  }

  private static Stopwatch readOurs(
      FeatureGroup group, Path file, int rows, BufferAllocator allocator) throws IOException {
    Stopwatch stopwatch = new Stopwatch();
    stopwatch.start();
    long read = 0;
    int rowGroups;
    try (FeatureFileReader reader =
        FeatureFileReader.open(file, group, FeatureFileScan.allFeatures(group), allocator)) {
      while (reader.loadNextBatch()) {
        read += reader.batch().getRowCount();
      }
      rowGroups = reader.rowGroupCount();
    }
    stopwatch.stop();
    if (read != rows) {
      throw new IllegalStateException("read " + read + " rows, not " + rows);
    }
    System.out.printf(Locale.ROOT, "  our file has %d row groups%n", rowGroups);
    return stopwatch;
  }

  private static void createDuckDbTable(Connection duckDb, int rows) throws SQLException {
    StringBuilder features = new StringBuilder();
    for (int feature = 0; feature < FEATURES; feature++) {
      features.append(
          ", ((i * 1103515245 + 12345 * %d) & 2147483647)::DOUBLE / 2147483648.0::DOUBLE AS f%d"
              .formatted(feature + 1, feature));
    }
    try (Statement statement = duckDb.createStatement()) {
      statement.execute(
          """
          CREATE TABLE benchmark AS
          SELECT printf('k%%06d', i // 50) AS key,
                 to_timestamp(%d + (i %% 50) * 3600) AS event_time,
                 1 + (i %% 50) // 10 AS _commit_sequence,
                 to_timestamp(%d + 86400 + (i %% 50) // 10) AS _write_time,
                 i AS _row_ordinal%s
          FROM range(%d) AS numbers(i)
          """
              .formatted(BASE_SECONDS, BASE_SECONDS, features, rows));
    }
  }

  private static Stopwatch copyWithDuckDb(Connection duckDb, Path file, CompressionCodecName codec)
      throws SQLException {
    Stopwatch stopwatch = new Stopwatch();
    stopwatch.start();
    try (Statement statement = duckDb.createStatement()) {
      statement.execute(
          "COPY benchmark TO '%s' (FORMAT parquet, COMPRESSION %s)".formatted(file, codec));
    }
    stopwatch.stop();
    return stopwatch;
  }

  /** DuckDB decodes every column to aggregate it; it materialises no rows for us. */
  private static Stopwatch readWithDuckDb(Connection duckDb, Path file, int rows)
      throws SQLException {
    StringBuilder sums = new StringBuilder();
    for (int feature = 0; feature < FEATURES; feature++) {
      sums.append(", sum(f").append(feature).append(')');
    }
    Stopwatch stopwatch = new Stopwatch();
    stopwatch.start();
    try (Statement statement = duckDb.createStatement();
        ResultSet result =
            statement.executeQuery(
                ("SELECT count(*), max(key), max(event_time), max(_commit_sequence),"
                        + " max(_write_time), max(_row_ordinal)%s FROM read_parquet('%s')")
                    .formatted(sums, file))) {
      result.next();
      if (result.getLong(1) != rows) {
        throw new IllegalStateException("DuckDB read " + result.getLong(1) + " rows");
      }
    }
    stopwatch.stop();
    return stopwatch;
  }

  private static void report(
      String what, int rows, long arrowBytes, Stopwatch stopwatch, long fileBytes) {
    double seconds = stopwatch.wallNanos / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-20s %6.2f s wall %6.2f s CPU %10.0f rows/s %7.1f MB/s (Arrow bytes)  file %6.1f MB%n",
        what,
        seconds,
        stopwatch.cpuNanos / 1e9,
        rows / seconds,
        arrowBytes / 1e6 / seconds,
        fileBytes / 1e6);
  }

  private static void compare(String what, Stopwatch ours, Stopwatch duckDb) {
    System.out.printf(
        Locale.ROOT,
        "  ours/DuckDB %s speed: %.2f by wall time, %.2f by CPU time%n",
        what,
        (double) duckDb.wallNanos / ours.wallNanos,
        (double) duckDb.cpuNanos / ours.cpuNanos);
  }

  /** Wall and whole-process CPU time over the started-and-stopped intervals. */
  private static final class Stopwatch {
    private long wallNanos;
    private long cpuNanos;
    private long wallStart;
    private long cpuStart;

    void start() {
      wallStart = System.nanoTime();
      cpuStart = OPERATING_SYSTEM.getProcessCpuTime();
    }

    void stop() {
      wallNanos += System.nanoTime() - wallStart;
      cpuNanos += OPERATING_SYSTEM.getProcessCpuTime() - cpuStart;
    }
  }
}
