package dev.featurestore.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.core.testing.ArrowFeatureFiles;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryObjectStore;
import dev.featurestore.core.testing.InMemoryTombstones;
import dev.featurestore.core.testing.MutableClock;
import dev.featurestore.core.testing.TestingGroups;
import dev.featurestore.core.testing.TextRows;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.RootAllocator;

/**
 * The ingest use cases over in-memory fakes of their ports: a catalog, an object store, Arrow IPC
 * feature files, and one group {@code clicks} of STRING keys with one INT64 feature. Closing it
 * checks that every Arrow buffer was released.
 */
final class IngestFakes implements AutoCloseable {
  static final String GROUP = "clicks";
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  final MutableClock clock = new MutableClock(NOW);
  final InMemoryCatalog catalog = new InMemoryCatalog(clock);
  final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
  final ArrowFeatureFiles files = new ArrowFeatureFiles(objects, catalog);
  final RootAllocator allocator = new RootAllocator();
  final ExecutorService storeThreads = Executors.newSingleThreadExecutor();
  final InMemoryTombstones tombstones = new InMemoryTombstones();
  final Path folder;

  IngestFakes(Path folder) {
    this.folder = folder;
    TestingGroups.clicks(catalog);
  }

  /** A writer storing a file per {@code rowsPerBatch} rows. */
  FeatureGroupWriter writer(int rowsPerBatch) {
    return writer(settings().withRowsPerBatch(group -> rowsPerBatch));
  }

  FeatureGroupWriter writer(FeatureGroupWriter.Settings settings) {
    return new FeatureGroupWriter(
        catalog,
        objects,
        files,
        allocator,
        storeThreads,
        clock,
        settings,
        tombstones,
        InMemoryTombstones.DIGESTS);
  }

  FeatureGroupWriter.Settings settings() {
    return FeatureGroupWriter.Settings.of(folder, Duration.ofMinutes(5));
  }

  FeatureGroupCompactor compactor() {
    return new FeatureGroupCompactor(
        catalog, objects, files, writer(1_000), allocator, Long.MAX_VALUE);
  }

  /** Appends {@code key,eventTime,clicks} lines, a file per {@code rowsPerBatch} rows. */
  Commit append(int rowsPerBatch, Optional<String> idempotencyKey, String... lines)
      throws IOException {
    return writer(rowsPerBatch)
        .append(GROUP, TextRows.FORMAT, TextRows.upload(folder, lines), idempotencyKey, "tester");
  }

  List<String> storedObjects() throws IOException {
    return objects.list(ObjectLayout.FEATURE_GROUPS).stream().map(StoredObject::key).toList();
  }

  @Override
  public void close() {
    storeThreads.close();
    assertThat(allocator.getAllocatedMemory()).as("Arrow memory left allocated").isZero();
    allocator.close();
  }
}
