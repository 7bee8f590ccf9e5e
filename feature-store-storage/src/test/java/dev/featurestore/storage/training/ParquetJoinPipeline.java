package dev.featurestore.storage.training;

import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.join.PointInTimeJoinRequest;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.storage.parquet.FeatureFileReader;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.parquet.FeatureFileWriter;
import dev.featurestore.storage.read.ParallelFileReader;
import dev.featurestore.testing.BenchmarkWorkload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A point-in-time join from Parquet feature files to a Parquet output, by our components
 * (FeatureFileReader, the engine, ArrowParquetWriter) and by DuckDB's {@code ASOF LEFT JOIN} over
 * the same files: what the DuckDB equality test and the end-to-end benchmark share.
 *
 * <p>Group files are written one per commit, as ingestion does: the workload's commit {@code c}
 * holds one version of every key, so each file is sorted by key as feature files must be.
 */
public final class ParquetJoinPipeline {
  static final Entity USER = new Entity("user_id", KeyType.INT64, "");
  static final String SPINE_TIME = "spine_time";
  private static final int SPINE_CHUNK_ROWS = 64 * 1024;

  private ParquetJoinPipeline() {}

  public static FeatureGroup group(BenchmarkWorkload workload, Duration ttl) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (int f = 0; f < workload.featureCount(); f++) {
      features.add(FeatureDefinition.scalar(workload.featureName(f), FeatureType.FLOAT64));
    }
    return new FeatureGroup("benchmark", USER, features, ttl, false, "", 1);
  }

  /** One Parquet file per commit of the workload, in {@code folder}. */
  static List<Path> writeGroupFiles(
      BenchmarkWorkload workload, FeatureGroup group, Path folder, BufferAllocator allocator)
      throws IOException {
    List<Path> files = new ArrayList<>();
    workload.generateFeatureChunks(
        workload.keyCount(),
        chunk -> {
          Path file = folder.resolve("commit-" + chunk.commitSequences()[0] + ".parquet");
          writeGroupFile(group, file, chunk, allocator);
          files.add(file);
        });
    return files;
  }

  /**
   * Writes the chunk's rows, sorted by key, to a feature file; a NaN feature value is written as
   * null. An {@code UncheckedIOException} carries a failed write.
   */
  static void writeGroupFile(
      FeatureGroup group,
      Path file,
      BenchmarkWorkload.FeatureChunk chunk,
      BufferAllocator allocator) {
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator);
        FeatureFileWriter writer = FeatureFileWriter.create(group, file)) {
      batch.allocateNew();
      int rows = chunk.rowCount();
      BigIntVector keys = (BigIntVector) batch.getVector(0);
      TimeStampMicroTZVector eventTimes = (TimeStampMicroTZVector) batch.getVector(1);
      BigIntVector commits = (BigIntVector) batch.getVector(2);
      TimeStampMicroTZVector writeTimes = (TimeStampMicroTZVector) batch.getVector(3);
      BigIntVector ordinals = (BigIntVector) batch.getVector(4);
      for (int row = 0; row < rows; row++) {
        keys.setSafe(row, chunk.keys()[row]);
        eventTimes.setSafe(row, chunk.eventTimeMicros()[row]);
        commits.setSafe(row, chunk.commitSequences()[row]);
        writeTimes.setSafe(
            row, BenchmarkWorkload.START_MICROS + chunk.commitSequences()[row] * 1_000_000);
        ordinals.setSafe(row, chunk.rowOrdinals()[row]);
        for (int f = 0; f < chunk.features().length; f++) {
          double value = chunk.features()[f][row];
          Float8Vector feature = (Float8Vector) batch.getVector(5 + f);
          if (Double.isNaN(value)) {
            feature.setNull(row);
          } else {
            feature.setSafe(row, value);
          }
        }
      }
      batch.setRowCount(rows);
      writer.write(batch);
      writer.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The workload's spine: {@code user_id}, then {@code spine_time} in UTC. */
  static VectorSchemaRoot spine(BenchmarkWorkload workload, BufferAllocator allocator) {
    Schema schema =
        new Schema(
            List.of(
                StoredRowSchema.keyField(USER),
                new Field(
                    SPINE_TIME, FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null)));
    VectorSchemaRoot spine = VectorSchemaRoot.create(schema, allocator);
    BigIntVector keys = (BigIntVector) spine.getVector(0);
    TimeStampMicroTZVector times = (TimeStampMicroTZVector) spine.getVector(1);
    keys.allocateNew(workload.spineRowCount());
    times.allocateNew(workload.spineRowCount());
    workload.generateSpineChunks(
        SPINE_CHUNK_ROWS,
        chunk -> {
          for (int i = 0; i < chunk.rowCount(); i++) {
            int row = (int) chunk.firstRow() + i;
            keys.set(row, chunk.keys()[i]);
            times.set(row, chunk.spineTimeMicros()[i]);
          }
        });
    spine.setRowCount(workload.spineRowCount());
    return spine;
  }

  static void writeSpine(VectorSchemaRoot spine, Path file) throws IOException {
    try (ArrowParquetWriter writer =
            new ArrowParquetWriter(file, "spine", spine.getSchema(), StorageTestBed.THREADS);
        VectorSchemaRoot view = spine.slice(0, spine.getRowCount())) {
      writer.write(view); // takes the view's buffers over; the spine keeps its own
      writer.finish();
    }
  }

  /**
   * Reads the files through FeatureFileReader on {@code readThreads} threads, as {@code
   * FeatureGroupReader} does for a snapshot.
   */
  static StoredRowSource storedRows(
      FeatureGroup group, List<Path> files, int readThreads, BufferAllocator allocator) {
    FeatureFileScan scan = FeatureFileScan.allFeatures(group);
    ParallelFileReader fileReader =
        new ParallelFileReader(allocator, Executors.newVirtualThreadPerTaskExecutor(), readThreads);
    List<ParallelFileReader.FileBatches> fileBatches = new ArrayList<>();
    for (Path file : files) {
      fileBatches.add(
          consumer -> {
            try (FeatureFileReader reader = FeatureFileReader.open(file, group, scan, allocator)) {
              while (reader.loadNextBatch()) {
                consumer.accept(reader.batch());
              }
            }
          });
    }
    return new StoredRowSource() {
      @Override
      public void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException {
        fileReader.forEachBatch(fileBatches, consumer);
      }

      @Override
      public <P> void forEachPreparedBatch(
          Function<VectorSchemaRoot, P> prepare, BiConsumer<VectorSchemaRoot, P> consumer)
          throws IOException {
        fileReader.forEachPreparedBatch(fileBatches, prepare, consumer);
      }
    };
  }

  /** Our join, every feature of the group, to {@code sink}. */
  static void joinWithEngine(
      FeatureGroup group,
      long asOfCommitSequence,
      StoredRowSource storedRows,
      VectorSchemaRoot spine,
      JoinOptions options,
      BufferAllocator allocator,
      JoinOutputSink sink)
      throws IOException {
    List<FeatureSelection> features =
        group.features().stream().map(f -> FeatureSelection.of(f.name())).toList();
    new PointInTimeJoinEngine(allocator, options, ForkJoinPool.commonPool())
        .join(
            new PointInTimeJoinRequest(
                spine,
                SPINE_TIME,
                List.of(new FeatureGroupRequest(group, asOfCommitSequence, features, storedRows))),
            sink);
  }

  /** A sink writing the output to one Parquet file. */
  static final class ParquetSink implements JoinOutputSink, AutoCloseable {
    private final Path file;
    private ArrowParquetWriter writer;

    ParquetSink(Path file) {
      this.file = file;
    }

    @Override
    public void begin(Schema schema) throws IOException {
      writer = new ArrowParquetWriter(file, "training_set", schema, StorageTestBed.THREADS);
    }

    @Override
    public void accept(VectorSchemaRoot batch) throws IOException {
      writer.write(batch);
    }

    ArrowParquetWriter.WrittenFile finish() throws IOException {
      return writer.finish();
    }

    @Override
    public void close() throws IOException {
      if (writer != null) {
        writer.close();
      }
    }
  }

  /**
   * DuckDB's plain {@code ASOF LEFT JOIN}, written to Parquet: the benchmark's baseline. It equals
   * our rules when no two visible rows of a key share an event time, no commit is hidden by an
   * as-of bound and the group has no TTL, as in the benchmark workloads.
   */
  static void joinWithDuckDbAsof(
      Connection duckDb, FeatureGroup group, List<Path> files, Path spine, Path output)
      throws SQLException {
    execute(
        duckDb,
        "COPY (SELECT s.user_id, s.spine_time, "
            + featureColumns(group, "g.")
            + " FROM read_parquet("
            + quoted(spine)
            + ") s ASOF LEFT JOIN read_parquet("
            + fileList(files)
            + ") g ON s.user_id = g.user_id AND s.spine_time >= g.event_time) TO "
            + quoted(output)
            + " (FORMAT parquet, COMPRESSION zstd)");
  }

  /**
   * DuckDB's {@code ASOF LEFT JOIN} made to follow semantics.md, written to Parquet. The mapping:
   *
   * <ul>
   *   <li>as of: rows of later commits are filtered out before the join;
   *   <li>ties (rule 3): ASOF picks any of several rows with the winning event time, so each (key,
   *       event time) is first reduced to its row of the latest commit, then latest ordinal;
   *   <li>inclusive upper bound (rule 1): {@code spine_time >= event_time};
   *   <li>TTL (rule 1): ASOF has no lower bound; the latest row at or before the spine time is the
   *       winner if it is inside the window, and no older row can be, so a post-filter on the
   *       matched row's event time ({@code >= spine_time - ttl}, inclusive) gives the same answer;
   *   <li>nulls (rule 8): a matched row with a null value yields null, as ours does.
   * </ul>
   */
  static void joinWithDuckDbFollowingSemantics(
      Connection duckDb,
      FeatureGroup group,
      long asOfCommitSequence,
      List<Path> files,
      Path spine,
      Path output)
      throws SQLException {
    long ttlMicros = group.ttl().toNanos() / 1_000;
    String inWindow =
        ttlMicros == 0
            ? "TRUE"
            : "g.event_time >= s.spine_time - to_microseconds(" + ttlMicros + ")";
    List<String> features = new ArrayList<>();
    for (FeatureDefinition feature : group.features()) {
      features.add(
          "CASE WHEN " + inWindow + " THEN g." + feature.name() + " END AS " + feature.name());
    }
    execute(
        duckDb,
        "COPY (WITH visible AS (SELECT * FROM read_parquet("
            + fileList(files)
            + ") WHERE _commit_sequence <= "
            + asOfCommitSequence
            + " QUALIFY row_number() OVER (PARTITION BY user_id, event_time"
            + " ORDER BY _commit_sequence DESC, _row_ordinal DESC) = 1)"
            + " SELECT s.user_id, s.spine_time, "
            + String.join(", ", features)
            + " FROM read_parquet("
            + quoted(spine)
            + ") s ASOF LEFT JOIN visible g"
            + " ON s.user_id = g.user_id AND s.spine_time >= g.event_time) TO "
            + quoted(output)
            + " (FORMAT parquet, COMPRESSION zstd)");
  }

  /**
   * Rows of {@code left} missing from {@code right} plus rows of {@code right} missing from {@code
   * left}, as multisets: 0 when the outputs are equal up to row order.
   */
  static long differingRows(Connection duckDb, Path left, Path right) throws SQLException {
    return differingRows(
        duckDb,
        "SELECT * FROM read_parquet(" + quoted(left) + ")",
        "SELECT * FROM read_parquet(" + quoted(right) + ")");
  }

  /** As {@link #differingRows(Connection, Path, Path)}, for the rows of two queries. */
  static long differingRows(Connection duckDb, String leftRows, String rightRows)
      throws SQLException {
    return count(
        duckDb,
        "SELECT (SELECT count(*) FROM ("
            + leftRows
            + " EXCEPT ALL "
            + rightRows
            + ")) + (SELECT count(*) FROM ("
            + rightRows
            + " EXCEPT ALL "
            + leftRows
            + "))");
  }

  static long count(Connection duckDb, String sql) throws SQLException {
    try (Statement statement = duckDb.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  static void execute(Connection duckDb, String sql) throws SQLException {
    try (Statement statement = duckDb.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String featureColumns(FeatureGroup group, String prefix) {
    return group.features().stream()
        .map(feature -> prefix + feature.name())
        .collect(Collectors.joining(", "));
  }

  private static String fileList(List<Path> files) {
    return files.stream()
        .map(ParquetJoinPipeline::quoted)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  static String quoted(Path path) {
    return "'" + path.toAbsolutePath().toString().replace("'", "''") + "'";
  }
}
