package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.ingest.ReplacedFileRetention;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.FeatureFileScan;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a compaction replaced stay stored, and the versions before it readable, for the retention;
 * then their objects are deleted, the catalog stops referencing them and those versions expire.
 */
class ReplacedFileRetentionIT {
  private static final String GROUP = "user_activity";
  private static final Duration RETENTION = Duration.ofHours(1);

  @TempDir Path folder;
  private StorageTestBed bed;
  private JdbcCatalog catalog;
  private LocalDiskObjectStore objects;
  private FeatureGroupCompactor compactor;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    catalog = bed.catalog();
    objects = bed.objects();
    compactor = bed.compactor();
    bed.userGroup(GROUP, FeatureDefinition.scalar("clicks_7d", FeatureType.INT64));
  }

  @AfterEach
  void noLeaks() {
    bed.close();
  }

  @Test
  void replacedFilesAreKeptForTheRetentionThenDeletedAndTheirVersionsExpire() throws IOException {
    append("{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}");
    append("{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":2}");
    List<DataFile> replaced = catalog.dataFiles(GROUP, 2);
    // Read once so that the local cache holds copies the retention must drop too.
    assertThat(rowCount(2)).isEqualTo(2);
    Commit compaction = compactor.compact(GROUP, "tester").orElseThrow();
    List<String> replacedKeys = replaced.stream().map(DataFile::objectKey).toList();
    String compactedKey = catalog.dataFiles(GROUP, compaction.sequence()).get(0).objectKey();

    ReplacedFileRetention now = retention(Clock.systemUTC());
    assertThat(now.expire()).isEmpty();
    assertThat(storedKeys()).containsAll(replacedKeys);
    assertThat(catalog.oldestReadableSequence(GROUP)).isZero();
    assertThat(rowCount(1)).isEqualTo(1);
    assertThat(rowCount(2)).isEqualTo(2);

    ReplacedFileRetention later =
        retention(Clock.offset(Clock.systemUTC(), RETENTION.plusMinutes(1)));
    assertThat(later.expire()).containsExactlyInAnyOrderElementsOf(replacedKeys);
    assertThat(storedKeys()).doesNotContainAnyElementsOf(replacedKeys).contains(compactedKey);
    for (DataFile file : replaced) {
      assertThat(catalog.referencesObject(file.objectKey())).isFalse();
      assertThatThrownBy(() -> bed.cache().localCopy(file.objectKey(), file.contentHash()))
          .as("the cached copy is gone, so reading the key reaches the deleted object")
          .isInstanceOf(NotFoundException.class);
    }
    assertThat(catalog.retainedDataFiles(GROUP))
        .extracting(DataFile::objectKey)
        .containsExactly(compactedKey);
    assertThat(catalog.oldestReadableSequence(GROUP)).isEqualTo(compaction.sequence());
    assertThat(rowCount(compaction.sequence())).isEqualTo(2);
    assertThat(later.expire()).as("a second pass finds nothing left").isEmpty();
  }

  @Test
  void filesReplacedByALaterCompactionStayUntilTheirOwnRetentionPasses() throws IOException {
    append("{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}");
    append("{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":2}");
    Commit first = compactor.compact(GROUP, "tester").orElseThrow();
    Commit third =
        append("{\"user_id\":\"u3\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":3}");
    List<String> keptKeys =
        catalog.dataFiles(GROUP, third.sequence()).stream().map(DataFile::objectKey).toList();

    // Past the retention of the first compaction, before the second one happens.
    retention(Clock.offset(Clock.systemUTC(), RETENTION.plusMinutes(1))).expire();
    Commit second = compactor.compact(GROUP, "tester").orElseThrow();
    assertThat(retention(Clock.systemUTC()).expire()).isEmpty();
    assertThat(storedKeys()).containsAll(keptKeys);
    assertThat(catalog.oldestReadableSequence(GROUP)).isEqualTo(first.sequence());
    assertThat(rowCount(third.sequence())).isEqualTo(3);
    assertThat(rowCount(second.sequence())).isEqualTo(3);
  }

  private ReplacedFileRetention retention(Clock clock) {
    return new ReplacedFileRetention(catalog, objects, bed.cache(), RETENTION, clock);
  }

  private List<String> storedKeys() throws IOException {
    return objects.list(ObjectLayout.FEATURE_GROUPS).stream().map(StoredObject::key).toList();
  }

  private long rowCount(long sequence) throws IOException {
    FeatureGroup group = catalog.featureGroup(GROUP).orElseThrow();
    long[] rows = {0};
    bed.reader()
        .snapshot(group, sequence)
        .forEachBatch(FeatureFileScan.allFeatures(group), batch -> rows[0] += batch.getRowCount());
    return rows[0];
  }

  private Commit append(String rows) throws IOException {
    return bed.appendJson(GROUP, rows);
  }
}
