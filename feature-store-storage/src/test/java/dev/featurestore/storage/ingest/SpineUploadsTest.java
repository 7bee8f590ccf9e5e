package dev.featurestore.storage.ingest;

import static dev.featurestore.storage.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.training.SpineFiles;
import dev.featurestore.core.training.Upload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uploaded spines: what is checked on arrival, and how columns become a spine's. */
class SpineUploadsTest {
  @TempDir Path folder;
  private final RootAllocator allocator = new RootAllocator();

  @AfterEach
  void noLeaks() {
    allocator.close();
  }

  @Test
  void csvKeysBecomeIntegersAndTimesInstantsOthersStayText() throws Exception {
    // Led by a byte order mark, as spreadsheet programs write UTF-8 CSV: not part of "user_id".
    Path csv =
        Files.writeString(
            folder.resolve("spine.csv"),
            "\uFEFFuser_id,event_time,note\n7,2026-03-05T01:00:00+01:00,\"a, b\"\n8,2026-03-05T00:00:00Z,\n",
            StandardCharsets.UTF_8);
    SpineFiles.Description description =
        SpineUploads.describe(UploadFormat.CSV, csv, allocator, UploadLimits.NONE);
    assertThat(description.rows()).isEqualTo(2);
    assertThat(description.columns())
        .containsExactly(
            new Upload.Column("user_id", FeatureType.STRING),
            new Upload.Column("event_time", FeatureType.TIMESTAMP),
            new Upload.Column("note", FeatureType.STRING));

    Entity user = new Entity("user_id", KeyType.INT64, "");
    try (VectorSchemaRoot spine =
        SpineUploads.load(UploadFormat.CSV, csv, List.of(user), allocator)) {
      assertThat(((BigIntVector) spine.getVector("user_id")).get(1)).isEqualTo(8);
      assertThat(((TimeStampMicroTZVector) spine.getVector("event_time")).get(0))
          .isEqualTo(((TimeStampMicroTZVector) spine.getVector("event_time")).get(1));
      assertThat(spine.getVector("note").getObject(0)).hasToString("a, b");
      assertThat(spine.getVector("note").isNull(1)).isTrue();
    }
  }

  /**
   * Spine keys go into lineage as Postgres text, which cannot hold U+0000, and must be findable.
   */
  @Test
  void keysThatLineageCannotHoldAreRefusedWithTheirRow() throws Exception {
    Path csv =
        Files.writeString(
            folder.resolve("spine.csv"),
            "user_id,event_time\nu1,2026-03-05T00:00:00Z\nu\u00002,2026-03-05T00:00:00Z\n",
            StandardCharsets.UTF_8);
    Entity user = new Entity("user_id", KeyType.STRING, "");
    assertRefused(
        () -> SpineUploads.load(UploadFormat.CSV, csv, List.of(user), allocator),
        "rows[1].user_id",
        "a key must not contain the character U+0000");
    Path emptyKey =
        Files.writeString(
            folder.resolve("empty.csv"),
            "user_id,event_time\nu1,2026-03-05T00:00:00Z\n\"\",2026-03-05T00:00:00Z\n",
            StandardCharsets.UTF_8);
    assertRefused(
        () -> SpineUploads.load(UploadFormat.CSV, emptyKey, List.of(user), allocator),
        "rows[1].user_id",
        "a key must not be empty");
  }

  /**
   * Found by AdversarialInputIT: a page header the Parquet reader cannot parse fails with an
   * IOException while batches are read, which the server took for an object-store outage (503).
   */
  @Test
  void aParquetSpineWithADamagedPageHeaderIsRefusedAsTheBody() throws Exception {
    byte[] parquet = ValidBodies.spine(UploadFormat.PARQUET, folder);
    // The first page header follows the 4-byte magic; zeros end its struct before any field.
    Arrays.fill(parquet, 4, 12, (byte) 0);
    Path damaged = Files.write(folder.resolve("damaged.parquet"), parquet);

    assertThatThrownBy(
            () ->
                SpineUploads.describe(UploadFormat.PARQUET, damaged, allocator, UploadLimits.NONE))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            refused -> assertThat(refused.errors().get(0).field()).isEqualTo("body"));
  }
}
