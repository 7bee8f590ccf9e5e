package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads are written by DuckDB (and parquet-java's example writer), as users' tools would. */
class UploadedParquetReaderTest {
  private static final FeatureGroup GROUP =
      new FeatureGroup(
          "user_activity",
          new Entity("user_id", KeyType.STRING, ""),
          List.of(
              FeatureDefinition.scalar("count", FeatureType.INT32),
              FeatureDefinition.scalar("score", FeatureType.FLOAT64),
              FeatureDefinition.vector("embedding", 3)),
          Duration.ZERO,
          false,
          "",
          1);

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
  void matchesColumnsByNameAndReadsMissingFeaturesAsNull() throws Exception {
    Path file =
        upload(
            """
            SELECT [1.5, 2.5, 3.5]::FLOAT[3] AS embedding, 'u1' AS user_id,
                   to_timestamp(1767225600) AS event_time, 7 AS count
            UNION ALL
            SELECT NULL, 'u2', to_timestamp(1767225601), NULL
            """);

    assertThat(readAll(file))
        .containsExactly(
            List.of("u1", 1_767_225_600_000_000L, 7, "null", List.of(1.5f, 2.5f, 3.5f)),
            List.of("u2", 1_767_225_601_000_000L, "null", "null", "null"));
  }

  @Test
  void convertsUtcMillisecondTimestampsToMicroseconds() throws Exception {
    MessageType schema =
        MessageTypeParser.parseMessageType(
            """
            message upload {
              required binary user_id (STRING);
              required int64 event_time (TIMESTAMP(MILLIS,true));
            }
            """);
    Path file = directory.resolve("millis.parquet");
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file)).withType(schema).build()) {
      writer.write(
          new SimpleGroupFactory(schema)
              .newGroup()
              .append("user_id", "u1")
              .append("event_time", 1_767_225_600_123L));
    }

    assertThat(readAll(file))
        .containsExactly(List.of("u1", 1_767_225_600_123_000L, "null", "null", "null"));
  }

  @Test
  void rejectsColumnsTheGroupDoesNotHave() throws SQLException {
    Path file =
        upload("SELECT 'u1' AS user_id, to_timestamp(0) AS event_time, 'red' AS colour, 1 AS size");

    assertThat(errorsOf(file))
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder("colour", "size");
  }

  @Test
  void rejectsAColumnOfAnotherType() throws SQLException {
    Path file = upload("SELECT 'u1' AS user_id, to_timestamp(0) AS event_time, 'seven' AS count");

    assertThat(errorsOf(file)).extracting(FieldError::field).containsExactly("count");
  }

  @Test
  void rejectsTimestampsWithoutTimeZone() throws SQLException {
    Path file = upload("SELECT 'u1' AS user_id, TIMESTAMP '2026-01-01 00:00:00' AS event_time");

    assertThat(errorsOf(file))
        .containsExactly(
            new FieldError(
                "event_time", "is a timestamp without time zone; times must be UTC instants"));
  }

  @Test
  void rejectsAFileWithoutEventTimes() throws SQLException {
    Path file = upload("SELECT 'u1' AS user_id, 1.5::DOUBLE AS score");

    assertThat(errorsOf(file))
        .containsExactly(new FieldError("event_time", "is missing from the file"));
  }

  @Test
  void namesTheRowWithANullKey() throws SQLException {
    Path file =
        upload(
            """
            SELECT 'u1' AS user_id, to_timestamp(0) AS event_time
            UNION ALL SELECT NULL, to_timestamp(1)
            """);

    assertThat(errorsOf(file))
        .containsExactly(new FieldError("rows[1].user_id", "must not be null"));
  }

  /** The catalog keeps keys as Postgres text, which cannot hold U+0000. */
  @Test
  void namesTheRowWithAKeyHoldingANulCharacter() throws SQLException {
    Path file =
        upload(
            """
            SELECT 'u1' AS user_id, to_timestamp(0) AS event_time
            UNION ALL SELECT 'u' || chr(0) || '2', to_timestamp(1)
            """);

    assertThat(errorsOf(file))
        .containsExactly(
            new FieldError("rows[1].user_id", "a key must not contain the character U+0000"));
  }

  @Test
  void namesTheRowWithAVectorOfTheWrongDimension() throws SQLException {
    Path file =
        upload(
            """
            SELECT 'u1' AS user_id, to_timestamp(0) AS event_time,
                   [1.0, 2.0]::FLOAT[] AS embedding
            """);

    assertThat(errorsOf(file))
        .containsExactly(
            new FieldError("rows[0].embedding", "has a vector of 2 elements; the feature has 3"));
  }

  @Test
  void rejectsBytesThatAreNotParquet() throws IOException {
    Path file =
        Files.write(
            directory.resolve("upload.csv"), "user_id\nu1\n".getBytes(StandardCharsets.UTF_8));

    assertThat(errorsOf(file)).extracting(FieldError::field).containsExactly("file");
  }

  private Path upload(String select) throws SQLException {
    Path file = directory.resolve("upload.parquet");
    try (Statement statement = duckDb.createStatement()) {
      statement.execute("COPY (%s) TO '%s' (FORMAT parquet)".formatted(select, file));
    }
    return file;
  }

  /** Rows as lists of plain values; "null" marks a null so the lists compare with List.of. */
  private List<List<Object>> readAll(Path file) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    try (UploadedParquetReader reader =
        UploadedParquetReader.open(
            new LocalInputFile(file), GROUP, 1024, allocator, UploadLimits.NONE.newBudget())) {
      assertThat(reader.schema()).isEqualTo(UploadedParquetReader.uploadSchema(GROUP));
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.batch();
        for (int row = 0; row < batch.getRowCount(); row++) {
          List<Object> values = new ArrayList<>();
          for (FieldVector vector : batch.getFieldVectors()) {
            Object value = vector.getObject(row);
            values.add(value == null ? "null" : normalised(value));
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  private static Object normalised(Object value) {
    return switch (value) {
      case List<?> list -> List.copyOf(list);
      case org.apache.arrow.vector.util.Text text -> text.toString();
      default -> value;
    };
  }

  private List<FieldError> errorsOf(Path file) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> {
              try (UploadedParquetReader reader =
                  UploadedParquetReader.open(
                      new LocalInputFile(file),
                      GROUP,
                      1024,
                      allocator,
                      UploadLimits.NONE.newBudget())) {
                while (reader.loadNextBatch()) {
                  assertThat(reader.batch().getRowCount()).isPositive();
                }
              }
            });
    assertThat(thrown).isInstanceOf(InvalidInputException.class);
    return ((InvalidInputException) thrown).errors();
  }
}
