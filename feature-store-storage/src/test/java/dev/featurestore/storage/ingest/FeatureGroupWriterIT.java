package dev.featurestore.storage.ingest;

import static dev.featurestore.storage.Refusals.assertRefused;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampSecTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploads become atomic commits of sorted Parquet files; bad uploads write nothing. */
class FeatureGroupWriterIT {
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir Path folder;
  private StorageTestBed bed;
  private RootAllocator allocator;
  private JdbcCatalog catalog;
  private LocalDiskObjectStore objects;
  private FeatureGroupWriter writer;
  private FeatureGroupReader reader;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder, Clock.fixed(NOW, ZoneOffset.UTC));
    allocator = bed.allocator();
    catalog = bed.catalog();
    objects = bed.objects();
    writer = bed.writer();
    reader = bed.reader();
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    catalog.createFeatureGroup(
        new FeatureGroup(
            "user_activity",
            user,
            List.of(
                FeatureDefinition.scalar("clicks_7d", FeatureType.INT64),
                FeatureDefinition.scalar("score", FeatureType.FLOAT64),
                FeatureDefinition.vector("embedding", 3)),
            Duration.ofDays(30),
            true,
            "",
            1));
  }

  @AfterEach
  void noLeaks() {
    bed.close();
  }

  @Test
  void jsonCommitIsStoredSortedWithItsSequence() throws IOException {
    Commit commit =
        append(
            UploadFormat.JSON,
            """
            {"rows":[
              {"user_id":"u2","event_time":"2026-03-01T00:00:00Z","clicks_7d":5,"score":0.5},
              {"user_id":"u1","event_time":"2026-03-02T00:00:00+01:00","clicks_7d":3,
               "embedding":[1,2,3]},
              {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","clicks_7d":null}
            ]}
            """);
    assertThat(commit.sequence()).isEqualTo(1);
    assertThat(commit.rows()).isEqualTo(3);
    assertThat(rows(1))
        .containsExactly(
            "u1 2026-03-01T00:00:00Z seq=1 ord=2 null null null",
            "u1 2026-03-01T23:00:00Z seq=1 ord=1 3 null [1.0,2.0,3.0]",
            "u2 2026-03-01T00:00:00Z seq=1 ord=0 5 0.5 null");
  }

  @Test
  void csvArrowAndParquetUploadsReadTheSame() throws Exception {
    // The CSV starts with a byte order mark, as spreadsheet programs write it.
    append(
        UploadFormat.CSV,
        "\uFEFFuser_id,event_time,clicks_7d,score,embedding\n"
            + "u1,2026-03-01T00:00:00Z,3,,\"[1, 2, 3]\"\n");
    Path parquet = folder.resolve("from-duckdb.parquet");
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duckdb.createStatement()) {
      sql.execute("SET TimeZone='UTC'");
      sql.execute(
          "COPY (SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time,"
              + " 3::BIGINT AS clicks_7d, NULL::DOUBLE AS score,"
              + " [1, 2, 3]::FLOAT[] AS embedding) TO '"
              + parquet
              + "' (FORMAT parquet)");
    }
    appendFile(UploadFormat.PARQUET, parquet);
    List<String> rows = rows(2);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).replace("seq=1", "seq=?"))
        .isEqualTo(rows.get(1).replace("seq=2", "seq=?"));
  }

  @Test
  void arrowBatchesCopiedWholeOrCellByCellStoreTheSameRows() throws IOException {
    // The first batch holds malformed UTF-8, which only the cell-by-cell path replaces (as JSON
    // and CSV decoding do); the second holds the stored types as they are and copies whole.
    Path body =
        twoBatches(
            "two-batches.arrow",
            new byte[] {'u', '2', (byte) 0xC3},
            "u1",
            "u0".getBytes(UTF_8),
            "u3");
    appendFile(UploadFormat.ARROW_STREAM, body);
    assertThat(rows(1))
        .containsExactly(
            "u0 2026-03-01T00:00:00Z seq=1 ord=2 7 null null",
            "u1 2026-03-02T00:00:00Z seq=1 ord=1 null 0.25 null",
            "u2\uFFFD 2026-03-01T00:00:00Z seq=1 ord=0 7 null null",
            "u3 2026-03-02T00:00:00Z seq=1 ord=3 null 0.25 null");
  }

  /**
   * The catalog keeps keys as Postgres text, which cannot hold U+0000, and an empty key could be
   * neither looked up in lineage nor erased; whole batches are checked as rows are.
   */
  @Test
  void arrowKeysThatCannotBeStoredAreRejectedWithTheirRow() throws IOException {
    Path nul =
        twoBatches("nul-key.arrow", "u0".getBytes(UTF_8), "u1", "u2".getBytes(UTF_8), "u\u00003");
    assertRefused(
        () -> appendFile(UploadFormat.ARROW_STREAM, nul),
        "rows[3].user_id",
        "a key must not contain the character U+0000");
    Path empty = twoBatches("empty-key.arrow", "u0".getBytes(UTF_8), "", new byte[0], "u3");
    assertRefused(
        () -> appendFile(UploadFormat.ARROW_STREAM, empty),
        "rows[1].user_id",
        "a key must not be empty");
    assertThat(objects.list("")).isEmpty();
    assertThat(catalog.commits("user_activity")).isEmpty();
  }

  /** Seconds that no long of microseconds holds are the row's bad input, not an overflow. */
  @Test
  void arrowTimesBeyondTheStorableTimesAreRejectedWithTheirRow() throws IOException {
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("user_id", new ArrowType.Utf8()),
                Field.notNullable("event_time", new ArrowType.Timestamp(TimeUnit.SECOND, "UTC"))));
    Path body = folder.resolve("far-seconds.arrow");
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
        OutputStream out = Files.newOutputStream(body);
        ArrowStreamWriter stream = new ArrowStreamWriter(batch, null, out)) {
      stream.start();
      batch.allocateNew();
      ((VarCharVector) batch.getVector(0)).setSafe(0, "u1".getBytes(UTF_8));
      ((TimeStampSecTZVector) batch.getVector(1)).setSafe(0, Long.MAX_VALUE / 1_000);
      batch.setRowCount(1);
      stream.writeBatch();
      stream.end();
    }
    assertRefused(
        () -> appendFile(UploadFormat.ARROW_STREAM, body),
        "rows[0].event_time",
        Long.MAX_VALUE / 1_000
            + " units of 1000000 microseconds since 1970 is outside the times that can be stored, "
            + EpochMicros.EARLIEST
            + " to "
            + EpochMicros.LATEST);
    assertThat(catalog.commits("user_activity")).isEmpty();
  }

  /** An Arrow stream of two batches of {@link #fill} rows with the given keys. */
  private Path twoBatches(
      String name, byte[] firstKey, String secondKey, byte[] thirdKey, String fourthKey)
      throws IOException {
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("user_id", new ArrowType.Utf8()),
                Field.notNullable(
                    "event_time", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                Field.nullable("clicks_7d", new ArrowType.Int(64, true)),
                Field.nullable(
                    "score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    Path body = folder.resolve(name);
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
        OutputStream out = Files.newOutputStream(body);
        ArrowStreamWriter stream = new ArrowStreamWriter(batch, null, out)) {
      stream.start();
      fill(batch, firstKey, secondKey);
      stream.writeBatch();
      fill(batch, thirdKey, fourthKey);
      stream.writeBatch();
      stream.end();
    }
    return body;
  }

  /** Two rows: a key with a count and no score, then a key with a score and no count. */
  private static void fill(VectorSchemaRoot batch, byte[] firstKey, String secondKey) {
    batch.allocateNew();
    ((VarCharVector) batch.getVector(0)).setSafe(0, firstKey);
    ((VarCharVector) batch.getVector(0)).setSafe(1, secondKey.getBytes(UTF_8));
    long march1 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli() * 1_000;
    ((TimeStampMicroTZVector) batch.getVector(1)).setSafe(0, march1);
    ((TimeStampMicroTZVector) batch.getVector(1)).setSafe(1, march1 + 86_400_000_000L);
    ((BigIntVector) batch.getVector(2)).setSafe(0, 7);
    ((Float8Vector) batch.getVector(3)).setSafe(1, 0.25);
    batch.setRowCount(2);
  }

  @Test
  void idempotentRetryReturnsTheFirstCommitAndWritesNothing() throws IOException {
    String body =
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}";
    Commit first = append(UploadFormat.JSON, body, Optional.of("key-1"));
    int objectsAfterFirst = objects.list("").size();
    Commit retried = append(UploadFormat.JSON, body, Optional.of("key-1"));
    assertThat(retried).isEqualTo(first);
    assertThat(objects.list("")).hasSize(objectsAfterFirst);
    assertThat(catalog.commits("user_activity")).hasSize(1);
  }

  @Test
  void timeTravelReadsTheOlderVersion() throws IOException {
    append(
        UploadFormat.JSON,
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}");
    append(
        UploadFormat.JSON,
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":2}]}");
    assertThat(rows(1)).containsExactly("u1 2026-03-01T00:00:00Z seq=1 ord=0 1 null null");
    assertThat(rows(2)).hasSize(2);
  }

  @Test
  void schemaEvolutionReadsOldFilesWithNulls() throws IOException {
    append(
        UploadFormat.JSON,
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}");
    catalog.addFeatures(
        "user_activity", List.of(FeatureDefinition.scalar("country", FeatureType.STRING)));
    append(
        UploadFormat.JSON,
        "{\"rows\":[{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"country\":\"NL\"}]}");
    assertThat(rows(2))
        .containsExactly(
            "u1 2026-03-01T00:00:00Z seq=1 ord=0 1 null null null",
            "u2 2026-03-01T00:00:00Z seq=2 ord=0 null null null NL");
  }

  @Test
  void badUploadsNameTheFieldAndWriteNothing() throws IOException {
    // Two good rows first, so that a file may already be written when the bad row is found.
    String good =
        "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"},"
            + "{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\"},";
    assertRejected(
        "{\"rows\":[" + good + "{\"event_time\":\"2026-03-01T00:00:00Z\"}]}", "rows[2].user_id");
    assertRejected(
        "{\"rows\":[" + good + "{\"user_id\":null,\"event_time\":\"2026-03-01T00:00:00Z\"}]}",
        "rows[2].user_id");
    assertRejected(
        "{\"rows\":[" + good + "{\"user_id\":\"\",\"event_time\":\"2026-03-01T00:00:00Z\"}]}",
        "rows[2].user_id");
    assertRejected("{\"rows\":[" + good + "{\"user_id\":\"u\"}]}", "rows[2].event_time");
    assertRejected(
        "{\"rows\":["
            + good
            + "{\"user_id\":\"u\\u0000\",\"event_time\":\"2026-03-01T00:00:00Z\"}]}",
        "rows[2].user_id");
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-03-01T00:00:00\"}]}",
        "rows[0].event_time");
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-11-01T00:06:00Z\"}]}",
        "rows[0].event_time");
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":\"x\"}]}",
        "rows[0].clicks_7d");
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-03-01T00:00:00Z\",\"embedding\":[1]}]}",
        "rows[0].embedding");
    // Beyond FLOAT32's range: refused, where a cast would have stored infinity.
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-03-01T00:00:00Z\","
            + "\"embedding\":[1e39,2,3]}]}",
        "rows[0].embedding");
    assertRejected(
        "{\"rows\":[{\"user_id\":\"u\",\"event_time\":\"2026-03-01T00:00:00Z\",\"nope\":1}]}",
        "rows[0].nope");
    assertRejected("{\"rows\":[{\"user_id\":\"u\",", "rows[0]");
    assertThat(objects.list("")).isEmpty();
    assertThat(catalog.commits("user_activity")).isEmpty();
  }

  @Test
  void truncatedParquetIsRejected() throws Exception {
    Path parquet = folder.resolve("whole.parquet");
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = duckdb.createStatement()) {
      sql.execute(
          "COPY (SELECT 'u' || i AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time"
              + " FROM range(1000) t(i)) TO '"
              + parquet
              + "' (FORMAT parquet)");
    }
    byte[] bytes = Files.readAllBytes(parquet);
    Path truncated =
        Files.write(
            folder.resolve("truncated.parquet"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> appendFile(UploadFormat.PARQUET, truncated))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("body");
    assertThat(catalog.commits("user_activity")).isEmpty();
  }

  private void assertRejected(String json, String field) {
    assertThatThrownBy(() -> append(UploadFormat.JSON, json))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo(field));
  }

  private Commit append(UploadFormat format, String body) throws IOException {
    return append(format, body, Optional.empty());
  }

  private Commit append(UploadFormat format, String body, Optional<String> idempotencyKey)
      throws IOException {
    Path file = Files.writeString(folder.resolve("body-" + System.nanoTime()), body, UTF_8);
    return writer.append("user_activity", format, spooled(file), idempotencyKey, "tester");
  }

  private Commit appendFile(UploadFormat format, Path file) throws IOException {
    return writer.append("user_activity", format, spooled(file), Optional.empty(), "tester");
  }

  private static SpooledUpload spooled(Path file) throws IOException {
    return ValidBodies.spooled(file, Files.readAllBytes(file));
  }

  /** Every stored row as of {@code sequence}, one line each, in file order. */
  private List<String> rows(long sequence) throws IOException {
    FeatureGroup group = catalog.featureGroup("user_activity").orElseThrow();
    List<String> lines = new ArrayList<>();
    reader
        .snapshot(group, sequence)
        .forEachBatch(
            FeatureFileScan.allFeatures(group),
            batch -> {
              for (int row = 0; row < batch.getRowCount(); row++) {
                lines.add(line(batch, row));
              }
            });
    return lines;
  }

  private static String line(VectorSchemaRoot batch, int row) {
    StringBuilder line = new StringBuilder();
    line.append(batch.getVector(0).getObject(row));
    long micros = ((TimeStampMicroTZVector) batch.getVector(1)).get(row);
    line.append(' ').append(Instant.EPOCH.plusNanos(micros * 1000));
    line.append(" seq=").append(batch.getVector(2).getObject(row));
    line.append(" ord=").append(batch.getVector(4).getObject(row));
    for (int column = 5; column < batch.getFieldVectors().size(); column++) {
      line.append(' ').append(batch.getVector(column).getObject(row));
    }
    return line.toString();
  }
}
