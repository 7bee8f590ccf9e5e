package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.UploadTooLargeException;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decompression bombs built in the test: a few kilobytes of Parquet that decode to far more (one
 * long string, dictionary-encoded, in every row; many rows of one key). With low limits configured
 * each is refused while decoding, and a refused commit stores nothing.
 */
class UploadLimitsIT {
  private static final String GROUP = "bombed";
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
  private static final UploadLimits LIMITS = new UploadLimits(4L << 20, 64L << 10, 1_000);

  /** 1,000 rows of one 32 KiB string: 32 MiB decoded, a few KiB on disk. */
  private static final String REPEATED_LONG_STRING =
      "SELECT 'u0' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(i) AS event_time,"
          + " repeat('x', 32768) AS comment FROM range(1000) t(i)";

  @TempDir static Path folder;
  private static RootAllocator allocator;
  private static JdbcCatalog catalog;
  private static LocalDiskObjectStore objects;
  private static FeatureGroupWriter writer;
  private static JdbcTombstones tombstones;

  @BeforeAll
  static void setUp() throws IOException {
    StorageTestBed bed = StorageTestBed.in(folder);
    allocator = bed.allocator();
    catalog = bed.catalog();
    tombstones = new JdbcTombstones(bed.dataSource());
    objects = bed.objects();
    writer = writerWithArrowMemory(Long.MAX_VALUE);
    bed.userGroup(GROUP, FeatureDefinition.scalar("comment", FeatureType.STRING));
  }

  @AfterAll
  static void tearDown() {
    allocator.close();
  }

  @Test
  void refusesAParquetCommitThatDecodesBeyondTheLimit() throws Exception {
    Path bomb = UploadBodies.parquet(REPEATED_LONG_STRING, folder.resolve("bomb.parquet"));
    assertThat(Files.size(bomb)).isLessThan(64 << 10);

    assertThatThrownBy(() -> commit(UploadFormat.PARQUET, bomb))
        .isInstanceOf(UploadTooLargeException.class)
        .hasMessageContaining(String.valueOf(4L << 20));
    assertNothingStored();
  }

  @Test
  void refusesAValueLongerThanTheLimitNamingItsRowAndColumn() throws Exception {
    Path longValue =
        UploadBodies.parquet(
            "SELECT 'u' || i AS user_id,"
                + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(i) AS event_time,"
                + " CASE WHEN i = 3 THEN repeat('y', 70000) ELSE 'short' END AS comment"
                + " FROM range(5) t(i)",
            folder.resolve("long-value.parquet"));

    assertThatThrownBy(() -> commit(UploadFormat.PARQUET, longValue))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo("rows[3].comment"));
    assertNothingStored();
  }

  @Test
  void refusesACommitOfMoreRowsThanTheLimit() throws Exception {
    Path manyRows =
        UploadBodies.parquet(
            "SELECT 'u0' AS user_id,"
                + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(i) AS event_time,"
                + " 'c' AS comment FROM range(5000) t(i)",
            folder.resolve("many-rows.parquet"));

    assertThatThrownBy(() -> commit(UploadFormat.PARQUET, manyRows))
        .isInstanceOf(UploadTooLargeException.class)
        .hasMessageContaining("1000 rows");
    assertNothingStored();
  }

  @Test
  void refusesAJsonValueLongerThanTheLimit() throws Exception {
    Path json = folder.resolve("long-value.json");
    Files.writeString(
        json,
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"comment\":\""
            + "z".repeat(70_000)
            + "\"}]}");

    assertThatThrownBy(() -> commit(UploadFormat.JSON, json))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors().get(0).field()).isEqualTo("rows[0].comment"));
  }

  @Test
  void refusesASpineUploadThatDecodesBeyondTheLimit() throws Exception {
    Path bomb = UploadBodies.parquet(REPEATED_LONG_STRING, folder.resolve("spine-bomb.parquet"));
    UploadLimits valuesAllowed = new UploadLimits(4L << 20, 1L << 20, 1_000_000);

    assertThatThrownBy(
            () -> SpineUploads.describe(UploadFormat.PARQUET, bomb, allocator, valuesAllowed))
        .isInstanceOf(UploadTooLargeException.class);
  }

  @Test
  void refusesASpineUploadOfMoreRowsThanTheLimit() throws Exception {
    Path csv = folder.resolve("spine.csv");
    StringBuilder rows = new StringBuilder("user_id,event_time\n");
    for (int i = 0; i < 1_001; i++) {
      rows.append("u0,2026-03-01T00:00:00Z\n");
    }
    Files.writeString(csv, rows);

    assertThatThrownBy(() -> SpineUploads.describe(UploadFormat.CSV, csv, allocator, LIMITS))
        .isInstanceOf(UploadTooLargeException.class)
        .hasMessageContaining("1000 rows");
  }

  /**
   * Within every upload limit, but its decoded rows need more Arrow memory than one append has: in
   * every format that is the server's overload (Arrow's OutOfMemoryException, a 503), never the
   * body's fault (a 400).
   */
  @ParameterizedTest
  @EnumSource(UploadFormat.class)
  void refusesACommitNeedingMoreArrowMemoryThanOneRequestMay(UploadFormat format) throws Exception {
    Path rows = memoryHungryRows(format);
    FeatureGroupWriter smallMemoryWriter = writerWithArrowMemory(256L << 10);

    assertThatThrownBy(
            () ->
                smallMemoryWriter.append(
                    GROUP,
                    format,
                    new SpooledUpload(rows, Files.size(rows), "sha"),
                    Optional.empty(),
                    "test"))
        .isInstanceOf(OutOfMemoryException.class);
    assertNothingStored();
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  /** 900 rows with a 2,000-character comment each: about 1.8 MB decoded. */
  private static Path memoryHungryRows(UploadFormat format) throws Exception {
    Path target = folder.resolve("memory-hungry-" + format);
    String query =
        "SELECT 'u' || i AS user_id,"
            + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(i) AS event_time,"
            + " repeat('z', 2000) AS comment FROM range(900) t(i)";
    String comment = "z".repeat(2000);
    return switch (format) {
      case PARQUET -> UploadBodies.parquet(query, target);
      case ARROW_STREAM -> UploadBodies.arrowStream(query, target);
      case JSON -> {
        StringJoiner rows = new StringJoiner(",", "{\"rows\":[", "]}");
        for (int i = 0; i < 900; i++) {
          rows.add(
              "{\"user_id\":\"u%d\",\"event_time\":\"%s\",\"comment\":\"%s\"}"
                  .formatted(i, NOW.minusSeconds(i), comment));
        }
        yield Files.writeString(target, rows.toString());
      }
      case CSV -> {
        StringBuilder rows = new StringBuilder("user_id,event_time,comment\n");
        for (int i = 0; i < 900; i++) {
          rows.append("u%d,%s,%s\n".formatted(i, NOW.minusSeconds(i), comment));
        }
        yield Files.writeString(target, rows);
      }
    };
  }

  /** A writer under {@code LIMITS} whose appends may hold {@code memoryPerRequest} Arrow bytes. */
  private static FeatureGroupWriter writerWithArrowMemory(long memoryPerRequest) {
    return StorageTestBed.writer(
        catalog,
        tombstones,
        objects,
        allocator,
        Clock.fixed(NOW, ZoneOffset.UTC),
        FeatureGroupWriter.Settings.of(folder.resolve("tmp"), Duration.ofMinutes(5))
            .withLimits(LIMITS)
            .withMemoryPerRequest(memoryPerRequest));
  }

  private static void commit(UploadFormat format, Path body) throws IOException {
    writer.append(
        GROUP, format, new SpooledUpload(body, Files.size(body), "sha"), Optional.empty(), "test");
  }

  private static void assertNothingStored() throws IOException {
    assertThat(catalog.commits(GROUP)).isEmpty();
    assertThat(objects.list(ObjectLayout.featureGroup(GROUP))).isEmpty();
  }
}
