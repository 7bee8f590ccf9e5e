package dev.featurestore.storage.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.ingest.FeatureGroupWriter;
import dev.featurestore.storage.ingest.SpooledUpload;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;
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
  private RootAllocator allocator;
  private JdbcCatalog catalog;
  private LocalDiskObjectStore objects;
  private ObjectCache cache;

  @BeforeEach
  void setUp() throws IOException {
    allocator = new RootAllocator();
    var database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource());
    catalog = new JdbcCatalog(database.dataSource());
    objects = new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects")));
    cache = new ObjectCache(objects, folder.resolve("cache"));
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void sweepDeletesOnlyOldCopiesOfContentTheCatalogNoLongerHas() throws IOException {
    DataFile committed = commitOneFile();
    Path referenced = cache.localCopy(committed.objectKey(), committed.contentHash());
    Path replaced = copyOfUnreferencedContent("f".repeat(64), Instant.now().minusSeconds(60));
    // Downloaded by a reader while the sweep runs: that reader found it in the catalog.
    Path madeDuringSweep = copyOfUnreferencedContent("e".repeat(64), Instant.now().plusSeconds(60));

    int deleted = cache.sweep(catalog);

    assertThat(deleted).isEqualTo(1);
    assertThat(replaced).doesNotExist();
    assertThat(referenced).exists();
    assertThat(madeDuringSweep).exists();
    assertThat(cache.sweep(catalog)).isZero();
  }

  @Test
  void sweepOfAnEmptyCacheAsksNothing() throws IOException {
    assertThat(cache.sweep(catalog)).isZero();
  }

  private Path copyOfUnreferencedContent(String contentHash, Instant modified) throws IOException {
    Path copy = folder.resolve("cache").resolve(contentHash + ".parquet");
    Files.writeString(copy, "rows of a replaced object");
    Files.setLastModifiedTime(copy, FileTime.from(modified));
    return copy;
  }

  private DataFile commitOneFile() throws IOException {
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    FeatureGroup group =
        catalog.createFeatureGroup(
            new FeatureGroup(
                "user_activity",
                user,
                List.of(FeatureDefinition.scalar("clicks_7d", FeatureType.INT64)),
                Duration.ZERO,
                false,
                "",
                1));
    FeatureGroupWriter writer =
        new FeatureGroupWriter(
            catalog,
            objects,
            allocator,
            Files.createDirectories(folder.resolve("tmp")),
            Duration.ofMinutes(5),
            Clock.systemUTC());
    Path body =
        Files.writeString(
            folder.resolve("body.json"),
            "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\","
                + "\"clicks_7d\":1}]}",
            StandardCharsets.UTF_8);
    writer.append(
        group.name(),
        UploadFormat.JSON,
        new SpooledUpload(body, Files.size(body), "body-hash"),
        Optional.empty(),
        "tester");
    return catalog.dataFiles(group.name(), 1).getFirst();
  }
}
