package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB, an independent Parquet implementation, reads our files and writes files we read. */
class FeatureFileDuckDbTest {
  private static final int DUCKDB_ROWS = 30;

  @TempDir Path directory;
  private final BufferAllocator allocator = new RootAllocator();
  private Connection duckDb;

  @BeforeEach
  void connect() throws SQLException {
    duckDb = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterEach
  void close() throws SQLException {
    duckDb.close();
    allocator.close();
  }

  @Test
  void duckDbSeesStandardTypesWithUtcTimestamps() throws IOException, SQLException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    Path file = write(group, FeatureFileTestData.rows(KeyType.STRING, 5, 2));

    Map<String, String> types = new LinkedHashMap<>();
    try (Statement statement = duckDb.createStatement();
        ResultSet result =
            statement.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + quoted(file) + ")")) {
      while (result.next()) {
        types.put(result.getString("column_name"), result.getString("column_type"));
      }
    }

    assertThat(types)
        .containsExactly(
            Map.entry("user_id", "VARCHAR"),
            Map.entry("event_time", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("_commit_sequence", "BIGINT"),
            Map.entry("_write_time", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("_row_ordinal", "BIGINT"),
            Map.entry("flag", "BOOLEAN"),
            Map.entry("count", "INTEGER"),
            Map.entry("total", "BIGINT"),
            Map.entry("ratio", "FLOAT"),
            Map.entry("score", "DOUBLE"),
            Map.entry("label", "VARCHAR"),
            Map.entry("payload", "BLOB"),
            Map.entry("seen_at", "TIMESTAMP WITH TIME ZONE"),
            Map.entry("embedding", "FLOAT[]"));
  }

  @Test
  void duckDbReadsTheValuesWeWrote() throws IOException, SQLException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 12, 3);
    Path file = write(group, rows);

    List<StoredRows.Row> read = new ArrayList<>();
    try (Statement statement = duckDb.createStatement();
        ResultSet result =
            statement.executeQuery(
                """
                SELECT user_id, epoch_us(event_time), _commit_sequence, epoch_us(_write_time),
                       _row_ordinal, flag, count, total, ratio, score, label, payload,
                       epoch_us(seen_at), embedding
                FROM read_parquet(%s) ORDER BY _row_ordinal
                """
                    .formatted(quoted(file)))) {
      while (result.next()) {
        List<Object> features = new ArrayList<>();
        for (int column = 6; column <= 14; column++) {
          features.add(featureValue(result, column));
        }
        read.add(
            new StoredRows.Row(
                result.getString(1),
                result.getLong(2),
                result.getLong(3),
                result.getLong(4),
                result.getLong(5),
                features));
      }
    }

    assertThat(read).containsExactlyElementsOf(rows);
  }

  @Test
  void readsAFileWrittenByDuckDb() throws IOException, SQLException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    Path file = directory.resolve("duckdb.parquet");
    copyDuckDbRows(file, "(i * 31 - 1000)::INTEGER");

    try (FeatureFileReader reader =
        FeatureFileReader.open(file, group, FeatureFileScan.allFeatures(group), allocator)) {
      assertThat(StoredRows.readAll(reader)).containsExactlyElementsOf(expectedDuckDbRows());
    }
  }

  @Test
  void namesTheColumnWhoseTypeDoesNotMatch() throws SQLException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    Path file = directory.resolve("wrong-type.parquet");
    copyDuckDbRows(file, "(i * 31 - 1000)::BIGINT");

    assertThatThrownBy(
            () ->
                FeatureFileReader.open(file, group, FeatureFileScan.allFeatures(group), allocator))
        .isInstanceOf(InvalidFeatureFileException.class)
        .hasMessageContaining("count: has Parquet type 'optional int64 count")
        .hasMessageContaining("cannot be read as Int(32, true)");
  }

  /** Same columns as the stored-row schema; DuckDB writes every column optional. */
  private void copyDuckDbRows(Path file, String countExpression) throws SQLException {
    try (Statement statement = duckDb.createStatement()) {
      statement.execute(
          """
          COPY (
            SELECT printf('k%%04d', i // 3) AS user_id,
                   to_timestamp(1767225600 + (i %% 3) * 3600) AS event_time,
                   i AS _commit_sequence,
                   to_timestamp(1767312000 + i) AS _write_time,
                   i AS _row_ordinal,
                   CASE WHEN i %% 7 = 0 THEN NULL ELSE i %% 2 = 0 END AS flag,
                   CASE WHEN i %% 7 = 1 THEN NULL ELSE %s END AS count,
                   CASE WHEN i %% 7 = 2 THEN NULL ELSE i * 1000000007 END AS total,
                   CASE WHEN i %% 7 = 3 THEN NULL ELSE (i * 0.5)::FLOAT END AS ratio,
                   CASE WHEN i %% 7 = 4 THEN NULL ELSE (i * 0.25)::DOUBLE END AS score,
                   CASE WHEN i %% 7 = 5 THEN NULL WHEN i %% 5 = 0 THEN ''
                        ELSE 'label-' || i END AS label,
                   CASE WHEN i %% 7 = 6 THEN NULL ELSE encode('bytes-' || i) END AS payload,
                   CASE WHEN i %% 3 = 0 THEN NULL ELSE to_timestamp(1767225600 - i) END AS seen_at,
                   CASE WHEN i %% 5 = 2 THEN NULL
                        ELSE list_transform(range(768), j -> (i + j * 0.25)::FLOAT)
                   END AS embedding
            FROM range(%d) AS numbers(i)
          ) TO %s (FORMAT parquet)
          """
              .formatted(countExpression, DUCKDB_ROWS, quoted(file)));
    }
  }

  private static List<StoredRows.Row> expectedDuckDbRows() {
    List<StoredRows.Row> rows = new ArrayList<>();
    for (int i = 0; i < DUCKDB_ROWS; i++) {
      long second = 1_000_000L;
      List<Object> features = new ArrayList<>();
      features.add(i % 7 == 0 ? null : i % 2 == 0);
      features.add(i % 7 == 1 ? null : i * 31 - 1000);
      features.add(i % 7 == 2 ? null : i * 1_000_000_007L);
      features.add(i % 7 == 3 ? null : i * 0.5f);
      features.add(i % 7 == 4 ? null : i * 0.25);
      features.add(i % 7 == 5 ? null : i % 5 == 0 ? "" : "label-" + i);
      features.add(
          i % 7 == 6 ? null : ByteBuffer.wrap(("bytes-" + i).getBytes(StandardCharsets.UTF_8)));
      features.add(i % 3 == 0 ? null : (1_767_225_600L - i) * second);
      features.add(i % 5 == 2 ? null : FeatureFileTestData.vector(i));
      rows.add(
          new StoredRows.Row(
              "k%04d".formatted(i / 3),
              (1_767_225_600L + (i % 3) * 3600L) * second,
              i,
              (1_767_312_000L + i) * second,
              i,
              features));
    }
    return rows;
  }

  private static Object featureValue(ResultSet result, int column) throws SQLException {
    Object value = result.getObject(column);
    if (value == null) {
      return null;
    }
    return switch (column) {
      case 12 -> ByteBuffer.wrap(result.getBytes(column));
      case 14 -> {
        Array array = (Array) value;
        yield Arrays.asList((Object[]) array.getArray());
      }
      default -> value;
    };
  }

  private Path write(FeatureGroup group, List<StoredRows.Row> rows) throws IOException {
    Path file = directory.resolve("ours.parquet");
    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot batch = StoredRows.batch(group, rows, allocator)) {
      writer.write(batch);
      writer.finish();
    }
    return file;
  }

  private static String quoted(Path file) {
    return "'" + file.toString().replace("'", "''") + "'";
  }
}
