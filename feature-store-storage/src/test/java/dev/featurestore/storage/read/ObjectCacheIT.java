package dev.featurestore.storage.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.storage.StorageTestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's cache keeps copies of objects the catalog still references and loses, at the next
 * sweep, copies of objects it no longer does (an erasure through another replica replaced them).
 */
class ObjectCacheIT {
  @TempDir Path folder;
  private StorageTestBed bed;
  private ObjectCache cache;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    cache = bed.cache();
  }

  @AfterEach
  void closeAllocator() {
    bed.close();
  }

  @Test
  void sweepDeletesOnlyOldCopiesOfContentTheCatalogNoLongerHas() throws IOException {
    DataFile committed = commitOneFile();
    Path referenced = cache.localCopy(committed.objectKey(), committed.contentHash());
    Path replaced = copyOfUnreferencedContent("f".repeat(64), Instant.now().minusSeconds(60));
    // Downloaded by a reader while the sweep runs: that reader found it in the catalog.
    Path madeDuringSweep = copyOfUnreferencedContent("e".repeat(64), Instant.now().plusSeconds(60));

    int deleted = cache.sweep(bed.catalog());

    assertThat(deleted).isEqualTo(1);
    assertThat(replaced).doesNotExist();
    assertThat(referenced).exists();
    assertThat(madeDuringSweep).exists();
    assertThat(cache.sweep(bed.catalog())).isZero();
  }

  @Test
  void sweepOfAnEmptyCacheAsksNothing() throws IOException {
    assertThat(cache.sweep(bed.catalog())).isZero();
  }

  private Path copyOfUnreferencedContent(String contentHash, Instant modified) throws IOException {
    Path copy = folder.resolve("cache").resolve(contentHash + ".parquet");
    Files.writeString(copy, "rows of a replaced object");
    Files.setLastModifiedTime(copy, FileTime.from(modified));
    return copy;
  }

  private DataFile commitOneFile() throws IOException {
    bed.userGroup("user_activity", FeatureDefinition.scalar("clicks_7d", FeatureType.INT64));
    bed.appendJson(
        "user_activity",
        "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}");
    return bed.catalog().dataFiles("user_activity", 1).getFirst();
  }
}
