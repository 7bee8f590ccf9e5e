package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.OrphanJanitor;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The janitor deletes only unreferenced feature-group objects older than the grace period. */
class OrphanJanitorIT {
  private static final Duration GRACE_PERIOD = Duration.ofHours(1);

  @TempDir Path folder;
  private StorageTestBed bed;
  private JdbcCatalog catalog;
  private LocalDiskObjectStore objects;
  private Commit commit;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    catalog = bed.catalog();
    objects = bed.objects();
    bed.userGroup("clicks", FeatureDefinition.scalar("clicks_7d", FeatureType.INT64));
    commit =
        bed.appendJson("clicks", "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"}");
  }

  @AfterEach
  void closeAllocator() {
    bed.close();
  }

  @Test
  void deletesUnreferencedObjectsOlderThanTheGracePeriod() throws IOException {
    String orphan = ObjectLayout.featureGroup("clicks") + "crashed-upload.parquet";
    objects.put(orphan, new byte[] {1, 2, 3});
    objects.put("training-sets/not-ours.parquet", new byte[] {1});

    List<String> deleted = janitorAt(Instant.now().plus(GRACE_PERIOD).plusSeconds(60)).sweep();

    assertThat(deleted).containsExactly(orphan);
    assertThat(objects.list("").stream().map(StoredObject::key))
        .contains("training-sets/not-ours.parquet")
        .doesNotContain(orphan)
        .hasSize(1 + commit.files().size());
  }

  @Test
  void keepsUnreferencedObjectsWithinTheGracePeriod() throws IOException {
    String inFlight = ObjectLayout.featureGroup("clicks") + "in-flight.parquet";
    objects.put(inFlight, new byte[] {1, 2, 3});

    assertThat(janitorAt(Instant.now().plus(GRACE_PERIOD).minusSeconds(60)).sweep()).isEmpty();
    assertThat(objects.list(ObjectLayout.featureGroup("clicks")))
        .extracting(StoredObject::key)
        .contains(inFlight);
  }

  @Test
  void deletesTemporaryFilesOfPutsCutOffBeforeTheGracePeriod() throws IOException {
    Path abandonedPut = temporaryFileOfAPutCutOff();

    janitorAt(Instant.now().plus(GRACE_PERIOD).minusSeconds(60)).sweep();
    assertThat(abandonedPut).exists();

    janitorAt(Instant.now().plus(GRACE_PERIOD).plusSeconds(60)).sweep();
    assertThat(abandonedPut).doesNotExist();
    assertThat(objects.list("")).hasSize(commit.files().size());
  }

  /** What a put killed before its rename leaves: a dot-named file beside its target. */
  private Path temporaryFileOfAPutCutOff() throws IOException {
    String target = objects.list(ObjectLayout.featureGroup("clicks")).get(0).key();
    Path targetFile = Path.of(objects.location()).resolve(target);
    return Files.write(
        targetFile.resolveSibling(
            "." + targetFile.getFileName() + ".0b7c3f4e-1f0a-4d1e-9e55-5c1a1d3c2b10.tmp"),
        new byte[] {1, 2, 3});
  }

  private OrphanJanitor janitorAt(Instant now) {
    return new OrphanJanitor(catalog, objects, GRACE_PERIOD, Clock.fixed(now, ZoneOffset.UTC));
  }
}
