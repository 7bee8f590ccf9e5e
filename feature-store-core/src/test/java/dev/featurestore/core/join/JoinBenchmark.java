package dev.featurestore.core.join;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.testing.BenchmarkWorkload;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Times the engine on a workload of {@code benchmarks.md} held in memory (no Parquet), and, with
 * {@code --duckdb}, DuckDB's {@code ASOF LEFT JOIN} over the same rows in an in-memory database in
 * the same run. Arguments: {@code S|M [iterations] [--duckdb]}. See docs/benchmarks-join.md.
 */
public final class JoinBenchmark {
  private static final Entity USER = new Entity("user_id", KeyType.INT64, "");
  private static final int BATCH_ROWS = 64 * 1024;

  private JoinBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    BenchmarkWorkload workload =
        arguments.length > 0 && arguments[0].equals("M")
            ? BenchmarkWorkload.M
            : BenchmarkWorkload.S;
    int iterations = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 5;
    boolean withDuckDb = List.of(arguments).contains("--duckdb");
    int threads = Runtime.getRuntime().availableProcessors();
    FeatureGroup group = group(workload);
    System.out.printf(
        Locale.ROOT,
        "workload %s: %,d feature rows x %d float64, spine %,d rows; %d cores, max heap %,d MiB%n",
        workload.name(),
        workload.featureRowCount(),
        workload.featureCount(),
        workload.spineRowCount(),
        threads,
        Runtime.getRuntime().maxMemory() >> 20);

    try (RootAllocator allocator = new RootAllocator();
        ForkJoinPool pool = new ForkJoinPool(JoinOptions.DEFAULT.parallelism());
        VectorSchemaRoot spine = spine(allocator, workload)) {
      PointInTimeJoinEngine engine =
          new PointInTimeJoinEngine(allocator, JoinOptions.DEFAULT, pool);
      ChecksumSink lastOutput = null;
      List<Double> seconds = new ArrayList<>();
      for (int iteration = 0; iteration < iterations; iteration++) {
        List<VectorSchemaRoot> batches = featureBatches(allocator, group, workload);
        System.gc();
        resetPeakHeap();
        ChecksumSink output = new ChecksumSink();
        long start = System.nanoTime();
        try {
          engine.join(
              new PointInTimeJoinRequest(
                  spine, "spine_time", List.of(request(group, workload, batches))),
              output);
        } finally {
          batches.forEach(VectorSchemaRoot::close);
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        seconds.add(elapsed);
        lastOutput = output;
        System.out.printf(
            Locale.ROOT,
            "engine iteration %d: %.3f s, %,.0f spine rows/s, %,.0f feature rows/s, peak heap %,d MiB,"
                + " peak Arrow %,d MiB%n",
            iteration,
            elapsed,
            workload.spineRowCount() / elapsed,
            workload.featureRowCount() / elapsed,
            peakHeap() >> 20,
            allocator.getPeakMemoryAllocation() >> 20);
      }
      double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "engine best %.3f s; output %,d rows, %,d with features, sum(f0) %.6f%n",
          best,
          lastOutput.rows,
          lastOutput.matched,
          lastOutput.firstFeatureSum);
      if (withDuckDb) {
        runDuckDb(workload, iterations, threads, best, lastOutput);
      }
    }
  }

  private static FeatureGroup group(BenchmarkWorkload workload) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (int f = 0; f < workload.featureCount(); f++) {
      features.add(FeatureDefinition.scalar(workload.featureName(f), FeatureType.FLOAT64));
    }
    return new FeatureGroup("benchmark", USER, features, Duration.ZERO, false, "", 1);
  }

  private static FeatureGroupRequest request(
      FeatureGroup group, BenchmarkWorkload workload, List<VectorSchemaRoot> batches) {
    List<FeatureSelection> selections = new ArrayList<>();
    for (int f = 0; f < workload.featureCount(); f++) {
      selections.add(FeatureSelection.of(workload.featureName(f)));
    }
    StoredRowSource storedRows = batches::forEach;
    return new FeatureGroupRequest(group, Long.MAX_VALUE, selections, storedRows);
  }

  private static List<VectorSchemaRoot> featureBatches(
      RootAllocator allocator, FeatureGroup group, BenchmarkWorkload workload) {
    Schema schema = StoredRowSchema.of(group);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    workload.generateFeatureChunks(
        BATCH_ROWS,
        chunk -> {
          VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
          batches.add(batch);
          batch.allocateNew();
          BigIntVector keys = (BigIntVector) batch.getVector(0);
          TimeStampVector eventTimes = (TimeStampVector) batch.getVector(1);
          BigIntVector commits = (BigIntVector) batch.getVector(2);
          TimeStampVector writeTimes = (TimeStampVector) batch.getVector(3);
          BigIntVector ordinals = (BigIntVector) batch.getVector(4);
          for (int row = 0; row < chunk.rowCount(); row++) {
            keys.setSafe(row, chunk.keys()[row]);
            eventTimes.setSafe(row, chunk.eventTimeMicros()[row]);
            commits.setSafe(row, chunk.commitSequences()[row]);
            writeTimes.setSafe(row, chunk.commitSequences()[row]);
            ordinals.setSafe(row, chunk.rowOrdinals()[row]);
          }
          for (int f = 0; f < workload.featureCount(); f++) {
            Float8Vector values = (Float8Vector) batch.getVector(5 + f);
            for (int row = 0; row < chunk.rowCount(); row++) {
              values.setSafe(row, chunk.features()[f][row]);
            }
          }
          batch.setRowCount(chunk.rowCount());
        });
    return batches;
  }

  private static VectorSchemaRoot spine(RootAllocator allocator, BenchmarkWorkload workload) {
    Schema schema =
        new Schema(
            List.of(
                StoredRowSchema.keyField(USER),
                new Field(
                    "spine_time", FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null)));
    VectorSchemaRoot spine = VectorSchemaRoot.create(schema, allocator);
    spine.allocateNew();
    BigIntVector keys = (BigIntVector) spine.getVector(0);
    TimeStampVector times = (TimeStampVector) spine.getVector(1);
    workload.generateSpineChunks(
        BATCH_ROWS,
        chunk -> {
          for (int i = 0; i < chunk.rowCount(); i++) {
            keys.setSafe((int) chunk.firstRow() + i, chunk.keys()[i]);
            times.setSafe((int) chunk.firstRow() + i, chunk.spineTimeMicros()[i]);
          }
        });
    spine.setRowCount(workload.spineRowCount());
    return spine;
  }

  private static void runDuckDb(
      BenchmarkWorkload workload,
      int iterations,
      int threads,
      double engineBest,
      ChecksumSink engine)
      throws SQLException {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = connection.createStatement()) {
      statement.execute("SET threads = " + threads);
      StringBuilder featureColumns = new StringBuilder();
      StringBuilder selectedFeatures = new StringBuilder();
      for (int f = 0; f < workload.featureCount(); f++) {
        featureColumns.append(", ").append(workload.featureName(f)).append(" DOUBLE");
        selectedFeatures.append(", f.").append(workload.featureName(f));
      }
      statement.execute(
          "CREATE TABLE features (user_id BIGINT, event_time TIMESTAMPTZ, _commit_sequence BIGINT,"
              + " _row_ordinal BIGINT"
              + featureColumns
              + ")");
      statement.execute("CREATE TABLE spine (user_id BIGINT, spine_time TIMESTAMPTZ)");
      loadDuckDb(connection.unwrap(DuckDBConnection.class), workload);
      String join =
          "CREATE OR REPLACE TABLE result AS SELECT s.user_id, s.spine_time"
              + selectedFeatures
              + " FROM spine s ASOF LEFT JOIN features f"
              + " ON s.user_id = f.user_id AND s.spine_time >= f.event_time";
      double best = Double.MAX_VALUE;
      for (int iteration = 0; iteration < iterations; iteration++) {
        long start = System.nanoTime();
        statement.execute(join);
        double elapsed = (System.nanoTime() - start) / 1e9;
        best = Math.min(best, elapsed);
        System.out.printf(Locale.ROOT, "duckdb iteration %d: %.3f s%n", iteration, elapsed);
      }
      try (ResultSet result =
          statement.executeQuery("SELECT count(*), count(f0), sum(f0) FROM result")) {
        result.next();
        System.out.printf(
            Locale.ROOT,
            "duckdb best %.3f s; output %,d rows, %,d with features, sum(f0) %.6f%n",
            best,
            result.getLong(1),
            result.getLong(2),
            result.getDouble(3));
        boolean equal =
            result.getLong(1) == engine.rows
                && result.getLong(2) == engine.matched
                && Math.abs(result.getDouble(3) - engine.firstFeatureSum) < 1e-6 * engine.matched;
        System.out.printf(
            Locale.ROOT,
            "engine / duckdb wall time: %.2f (best of %d each); outputs %s%n",
            engineBest / best,
            iterations,
            equal ? "agree (row count, matches, sum of f0)" : "DIFFER");
      }
    }
  }

  private static void loadDuckDb(DuckDBConnection connection, BenchmarkWorkload workload)
      throws SQLException {
    try (DuckDBAppender features =
        connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "features")) {
      workload.generateFeatureChunks(
          BATCH_ROWS,
          chunk -> {
            try {
              for (int row = 0; row < chunk.rowCount(); row++) {
                features.beginRow();
                features.append(chunk.keys()[row]);
                features.appendEpochMicros(chunk.eventTimeMicros()[row]);
                features.append(chunk.commitSequences()[row]);
                features.append(chunk.rowOrdinals()[row]);
                for (int f = 0; f < workload.featureCount(); f++) {
                  features.append(chunk.features()[f][row]);
                }
                features.endRow();
              }
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
    }
    try (DuckDBAppender spine =
        connection.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "spine")) {
      workload.generateSpineChunks(
          BATCH_ROWS,
          chunk -> {
            try {
              for (int row = 0; row < chunk.rowCount(); row++) {
                spine.beginRow();
                spine.append(chunk.keys()[row]);
                spine.appendEpochMicros(chunk.spineTimeMicros()[row]);
                spine.endRow();
              }
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }

  private static void resetPeakHeap() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }

  /** Counts rows and sums the first feature, so that the output is read and can be compared. */
  private static final class ChecksumSink implements JoinOutputSink {
    long rows;
    long matched;
    double firstFeatureSum;

    @Override
    public void begin(Schema schema) {}

    @Override
    public void accept(VectorSchemaRoot batch) {
      Float8Vector firstFeature = (Float8Vector) batch.getVector(2);
      for (int row = 0; row < batch.getRowCount(); row++) {
        if (!firstFeature.isNull(row)) {
          matched++;
          firstFeatureSum += firstFeature.get(row);
        }
      }
      rows += batch.getRowCount();
    }
  }
}
