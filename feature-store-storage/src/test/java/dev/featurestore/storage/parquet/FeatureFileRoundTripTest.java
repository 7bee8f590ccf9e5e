package dev.featurestore.storage.parquet;

import static dev.featurestore.storage.parquet.FeatureFileTestData.BASE_MICROS;
import static dev.featurestore.storage.parquet.FeatureFileTestData.HOUR_MICROS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FeatureFileRoundTripTest {
  @TempDir Path directory;

  /** Closing fails the test when a batch or vector leaked. */
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void readsBackEveryFeatureTypeWithNullsEmptyValuesAndVectors(KeyType keyType) throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(keyType);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(keyType, 20, 5);
    Path file = write(group, rows, 3);

    try (FeatureFileReader reader = open(file, group, FeatureFileScan.allFeatures(group))) {
      assertThat(reader.schema()).isEqualTo(dev.featurestore.core.model.StoredRowSchema.of(group));
      assertThat(StoredRows.readAll(reader)).containsExactlyElementsOf(rows);
    }
  }

  @Test
  void splitsRowGroupsIntoBatchesOfTheRequestedSize() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 10, 5);
    Path file = write(group, rows, 1);

    List<Integer> batchSizes = new ArrayList<>();
    try (FeatureFileReader reader =
        open(file, group, FeatureFileScan.allFeatures(group).withBatchRows(7))) {
      while (reader.loadNextBatch()) {
        batchSizes.add(reader.batch().getRowCount());
      }
    }

    assertThat(batchSizes).containsExactly(7, 7, 7, 7, 7, 7, 7, 1);
  }

  @Test
  void computesStatsOfTheWrittenFile() throws IOException, NoSuchAlgorithmException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 10, 4);
    Path file = directory.resolve("stats.parquet");

    DataFileStats stats = writeInBatches(group, rows, 2, file);

    assertThat(stats.rowCount()).isEqualTo(40);
    assertThat(stats.keyRange()).isEqualTo(KeyRange.ofStrings("", "z\uD83D\uDE00"));
    assertThat(stats.minEventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(stats.maxEventTime()).isEqualTo(Instant.parse("2026-01-01T02:00:00Z"));
    assertThat(stats.minCommitSequence())
        .isEqualTo(rows.stream().mapToLong(StoredRows.Row::commitSequence).min().orElseThrow());
    assertThat(stats.maxCommitSequence())
        .isEqualTo(rows.stream().mapToLong(StoredRows.Row::commitSequence).max().orElseThrow());
    assertThat(stats.byteSize()).isEqualTo(Files.size(file));
    assertThat(stats.sha256())
        .isEqualTo(
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
  }

  @Test
  void encodingHalfTheColumnsOnAnotherThreadWritesTheSameBytes() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 60, 40);
    Path onCaller = directory.resolve("on-caller.parquet");
    Path withHelper = directory.resolve("with-helper.parquet");
    ExecutorService helpers = Executors.newFixedThreadPool(2);
    try {
      writeWith(FeatureFileWriter.create(group, onCaller), group, rows);
      writeWith(
          FeatureFileWriter.create(group, withHelper, ParquetCompression.DEFAULT, helpers),
          group,
          rows);
    } finally {
      helpers.close();
    }

    assertThat(Files.mismatch(onCaller, withHelper)).isEqualTo(-1L);
    try (FeatureFileReader reader = open(withHelper, group, FeatureFileScan.allFeatures(group))) {
      assertThat(StoredRows.readAll(reader)).containsExactlyElementsOf(rows);
    }
  }

  private void writeWith(FeatureFileWriter writer, FeatureGroup group, List<StoredRows.Row> rows)
      throws IOException {
    try (writer;
        VectorSchemaRoot batch = StoredRows.batch(group, rows, allocator)) {
      writer.write(batch);
      writer.finish();
    }
  }

  @Test
  void computesInt64KeyRange() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.INT64);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.INT64, 10, 2);

    DataFileStats stats = writeInBatches(group, rows, 1, directory.resolve("int64.parquet"));

    assertThat(stats.keyRange())
        .isEqualTo(KeyRange.ofLongs(-5_000_000_000L, -5_000_000_000L + 9 * 1_000_003L));
  }

  @Test
  void readsFeaturesAddedAfterTheFileWasWrittenAsNull() throws IOException {
    List<FeatureDefinition> everyType = FeatureFileTestData.everyFeatureType();
    FeatureGroup older = FeatureFileTestData.group(KeyType.STRING, everyType.subList(0, 3));
    FeatureGroup newer = FeatureFileTestData.group(KeyType.STRING, everyType);
    List<StoredRows.Row> newerRows = FeatureFileTestData.rows(KeyType.STRING, 5, 3);
    List<StoredRows.Row> olderRows =
        newerRows.stream().map(row -> StoredRows.project(row, List.of(0, 1, 2))).toList();
    Path file = write(older, olderRows, 1);

    try (FeatureFileReader reader = open(file, newer, FeatureFileScan.allFeatures(newer))) {
      List<StoredRows.Row> read = StoredRows.readAll(reader);

      assertThat(read).hasSameSizeAs(newerRows);
      for (int index = 0; index < read.size(); index++) {
        List<Object> features = read.get(index).features();
        assertThat(features.subList(0, 3)).isEqualTo(newerRows.get(index).features().subList(0, 3));
        assertThat(features.subList(3, features.size())).containsOnlyNulls();
      }
    }
  }

  @Test
  void projectsOnlyTheRequestedFeaturesInRequestOrder() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 8, 3);
    Path file = write(group, rows, 1);

    try (FeatureFileReader reader =
        open(file, group, FeatureFileScan.features(List.of("embedding", "flag")))) {
      assertThat(reader.schema().getFields().stream().map(Field::getName))
          .containsExactly(
              "user_id",
              "event_time",
              "_commit_sequence",
              "_write_time",
              "_row_ordinal",
              "embedding",
              "flag");
      assertThat(StoredRows.readAll(reader))
          .containsExactlyElementsOf(
              rows.stream().map(row -> StoredRows.project(row, List.of(8, 0))).toList());
    }
  }

  @Test
  void skipsRowGroupsOutsideTheKeyRange() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 200, 5);
    Path file = directory.resolve("pruned.parquet");
    writeInBatches(group, rows, 4, file, 64 * 1024);
    FeatureFileScan scan =
        FeatureFileScan.features(List.of("score")).withKeys(KeyRange.ofStrings("k0100", "k0100"));

    try (FeatureFileReader reader = open(file, group, scan)) {
      List<StoredRows.Row> read = StoredRows.readAll(reader);

      assertThat(reader.rowGroupCount()).isGreaterThan(3);
      assertThat(reader.rowGroupsRead()).isEqualTo(1);
      assertThat(read).extracting(StoredRows.Row::key).contains("k0100");
      assertThat(read).hasSizeLessThan(rows.size() / 2);
    }
  }

  @Test
  void skipsRowGroupsOutsideTheEventTimeRange() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.INT64);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.INT64, 200, 5);
    Path file = directory.resolve("by-time.parquet");
    writeInBatches(group, rows, 4, file, 64 * 1024);
    Instant afterEveryRow = Instant.parse("2026-01-02T00:00:00Z");
    Instant atFirstRow = EpochMicros.toInstant(BASE_MICROS);

    FeatureFileScan none =
        FeatureFileScan.allFeatures(group)
            .withEventTimesBetween(afterEveryRow, afterEveryRow.plusSeconds(1));
    FeatureFileScan all =
        FeatureFileScan.allFeatures(group)
            .withEventTimesBetween(atFirstRow, EpochMicros.toInstant(BASE_MICROS + HOUR_MICROS));
    try (FeatureFileReader reader = open(file, group, none)) {
      assertThat(reader.rowGroupsRead()).isZero();
      assertThat(reader.loadNextBatch()).isFalse();
    }
    try (FeatureFileReader reader = open(file, group, all)) {
      assertThat(reader.rowGroupsRead()).isEqualTo(reader.rowGroupCount());
    }
  }

  @Test
  void rejectsRowsOutOfKeyOrder() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = new ArrayList<>(FeatureFileTestData.rows(KeyType.STRING, 4, 2));
    rows.add(rows.remove(2));
    Path file = directory.resolve("unsorted.parquet");

    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot batch = StoredRows.batch(group, rows, allocator)) {
      assertThatThrownBy(() -> writer.write(batch))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("sorted by (key, event_time)");
    }
  }

  @Test
  void rejectsEventTimesOutOfOrderAcrossBatches() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.INT64);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.INT64, 1, 3);
    Path file = directory.resolve("unsorted-times.parquet");

    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot later = StoredRows.batch(group, rows.subList(1, 2), allocator);
        VectorSchemaRoot earlier = StoredRows.batch(group, rows.subList(0, 1), allocator)) {
      writer.write(later);
      assertThatThrownBy(() -> writer.write(earlier))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 1");
    }
  }

  @Test
  void deletesThePartialFileWhenClosedUnfinished() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    Path file = directory.resolve("abandoned.parquet");

    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot batch =
            StoredRows.batch(group, FeatureFileTestData.rows(KeyType.STRING, 3, 1), allocator)) {
      writer.write(batch);
    }

    assertThat(file).doesNotExist();
  }

  @Test
  void rejectsAScanOfAFeatureTheGroupDoesNotHave() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    Path file = write(group, FeatureFileTestData.rows(KeyType.STRING, 3, 1), 1);

    assertThatThrownBy(() -> open(file, group, FeatureFileScan.features(List.of("missing"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("features[0]");
  }

  @Test
  void writesSnappyFilesToo() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 6, 2);
    Path file = directory.resolve("snappy.parquet");
    try (FeatureFileWriter writer =
            FeatureFileWriter.create(
                group, file, ParquetCompression.of(CompressionCodecName.SNAPPY));
        VectorSchemaRoot batch = StoredRows.batch(group, rows, allocator)) {
      writer.write(batch);
      writer.finish();
    }

    try (FeatureFileReader reader = open(file, group, FeatureFileScan.allFeatures(group))) {
      assertThat(StoredRows.readAll(reader)).containsExactlyElementsOf(rows);
    }
  }

  private FeatureFileReader open(Path file, FeatureGroup group, FeatureFileScan scan)
      throws IOException {
    return FeatureFileReader.open(file, group, scan, allocator);
  }

  private Path write(FeatureGroup group, List<StoredRows.Row> rows, int batches)
      throws IOException {
    Path file = Files.createTempFile(directory, "feature-file", ".parquet");
    writeInBatches(group, rows, batches, file);
    return file;
  }

  private DataFileStats writeInBatches(
      FeatureGroup group, List<StoredRows.Row> rows, int batches, Path file) throws IOException {
    return writeInBatches(group, rows, batches, file, FeatureFileWriter.ROW_GROUP_BYTES);
  }

  private DataFileStats writeInBatches(
      FeatureGroup group, List<StoredRows.Row> rows, int batches, Path file, long rowGroupBytes)
      throws IOException {
    try (FeatureFileWriter writer =
        FeatureFileWriter.create(group, file, ParquetCompression.DEFAULT, rowGroupBytes)) {
      int batchSize = Math.ceilDiv(rows.size(), batches);
      for (int start = 0; start < rows.size(); start += batchSize) {
        try (VectorSchemaRoot batch =
            StoredRows.batch(
                group, rows.subList(start, Math.min(rows.size(), start + batchSize)), allocator)) {
          writer.write(batch);
        }
      }
      return writer.finish();
    }
  }
}
