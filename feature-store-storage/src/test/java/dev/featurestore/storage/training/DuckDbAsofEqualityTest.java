package dev.featurestore.storage.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.testing.BenchmarkWorkload;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated feature files, joined from Parquet to Parquet by FeatureFileReader, the engine and
 * ArrowParquetWriter, give the same rows as DuckDB's {@code ASOF LEFT JOIN} made to follow our
 * rules (see {@link ParquetJoinPipeline#joinWithDuckDbFollowingSemantics}). The data has absent
 * keys, a correcting commit that ties earlier rows' event times with new and null values, a TTL,
 * and a commit hidden by the as-of bound.
 */
class DuckDbAsofEqualityTest {
  private static final BenchmarkWorkload WORKLOAD =
      new BenchmarkWorkload("equality", 400, 12, 3, 20_000, 7);

  /** Event times spread over a year, 12 versions a key: a month's TTL keeps about half the rows. */
  private static final Duration TTL = Duration.ofDays(30);

  @TempDir Path folder;

  @ParameterizedTest(name = "memory budget {0} bytes")
  @ValueSource(longs = {Long.MAX_VALUE, 64 * 1024})
  void engineOutputEqualsDuckDbAsofOverTheSameParquetFiles(long memoryBudget)
      throws IOException, SQLException {
    FeatureGroup group = ParquetJoinPipeline.group(WORKLOAD, TTL);
    Path ours = folder.resolve("ours.parquet");
    Path theirs = folder.resolve("duckdb.parquet");
    try (RootAllocator allocator = new RootAllocator();
        Connection duckDb = DriverManager.getConnection("jdbc:duckdb:")) {
      List<Path> files =
          new ArrayList<>(ParquetJoinPipeline.writeGroupFiles(WORKLOAD, group, folder, allocator));
      long corrections = WORKLOAD.versionsPerKey() + 1;
      files.add(writeCorrections(group, corrections, allocator));
      files.add(writeCorrections(group, corrections + 1, allocator));
      try (VectorSchemaRoot spine = ParquetJoinPipeline.spine(WORKLOAD, allocator);
          ParquetJoinPipeline.ParquetSink sink = new ParquetJoinPipeline.ParquetSink(ours)) {
        Path spineFile = folder.resolve("spine.parquet");
        ParquetJoinPipeline.writeSpine(spine, spineFile);
        ParquetJoinPipeline.joinWithEngine(
            group,
            corrections,
            ParquetJoinPipeline.storedRows(group, files, 2, allocator),
            spine,
            new JoinOptions(2, 4096).withMemoryBudget(memoryBudget).withSpillDirectory(folder),
            allocator,
            sink);
        sink.finish();
        ParquetJoinPipeline.joinWithDuckDbFollowingSemantics(
            duckDb, group, corrections, files, spineFile, theirs);
      }

      assertThat(rowCount(duckDb, ours)).isEqualTo(WORKLOAD.spineRowCount());
      assertThat(ParquetJoinPipeline.differingRows(duckDb, ours, theirs)).isZero();
      // The comparison means something: some rows are outside the TTL, some hit corrections.
      String joined = "FROM read_parquet(" + ParquetJoinPipeline.quoted(ours) + ") WHERE ";
      assertThat(ParquetJoinPipeline.count(duckDb, "SELECT count(*) " + joined + "f0 IS NULL"))
          .isBetween(1L, WORKLOAD.spineRowCount() - 1L);
      assertThat(ParquetJoinPipeline.count(duckDb, "SELECT count(*) " + joined + "f0 < 0"))
          .isPositive();
    }
  }

  /**
   * Restates every third key's first version under commit {@code sequence}: same key and event
   * time, f0 negated (so a winning correction shows), f1 null. The later of the two correcting
   * commits is beyond the as-of bound of the test and must not count.
   */
  private Path writeCorrections(FeatureGroup group, long sequence, RootAllocator allocator) {
    List<BenchmarkWorkload.FeatureChunk> firstCommit = new ArrayList<>();
    WORKLOAD.generateFeatureChunks(
        WORKLOAD.keyCount(),
        chunk -> {
          if (chunk.firstRow() == 0) {
            firstCommit.add(chunk);
          }
        });
    BenchmarkWorkload.FeatureChunk first = firstCommit.get(0);
    int rows = (first.rowCount() + 2) / 3;
    long[] keys = new long[rows];
    long[] eventTimes = new long[rows];
    long[] ordinals = new long[rows];
    double[][] features = new double[WORKLOAD.featureCount()][rows];
    for (int i = 0; i < rows; i++) {
      keys[i] = first.keys()[3 * i];
      eventTimes[i] = first.eventTimeMicros()[3 * i];
      ordinals[i] = i;
      features[0][i] = -1 - first.features()[0][3 * i] - sequence;
      features[1][i] = Double.NaN;
      features[2][i] = first.features()[2][3 * i];
    }
    long[] commits = new long[rows];
    Arrays.fill(commits, sequence);
    Path file = folder.resolve("correction-" + sequence + ".parquet");
    ParquetJoinPipeline.writeGroupFile(
        group,
        file,
        new BenchmarkWorkload.FeatureChunk(0, rows, keys, eventTimes, commits, ordinals, features),
        allocator);
    return file;
  }

  private static long rowCount(Connection duckDb, Path file) throws SQLException {
    return ParquetJoinPipeline.count(
        duckDb, "SELECT count(*) FROM read_parquet(" + ParquetJoinPipeline.quoted(file) + ")");
  }
}
