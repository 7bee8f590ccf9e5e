package dev.featurestore.storage.ingest;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.IngestWorkload;
import dev.featurestore.testing.TestingPostgres;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;

/**
 * The ingest benchmark of docs/benchmarks-ingest.md: the S group (100k keys x 50 versions, 10
 * FLOAT64 features) appended as Parquet and as an Arrow IPC stream through {@link
 * FeatureGroupWriter} (decode, sort, write Parquet, store, commit; the HTTP layer only adds
 * spooling the body to disk), against DuckDB reading the same Parquet and writing it sorted, in the
 * same run. Arguments: keys, versions per key (defaults 100000 and 50).
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    Path folder = Files.createTempDirectory("ingest-benchmark");
    IngestWorkload workload = IngestWorkload.write(keys, versions, folder);
    long rows = workload.rows();
    Path parquet = workload.parquet();
    Path arrow = workload.arrowStream();

    var database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    JdbcCatalog catalog = new JdbcCatalog(database.dataSource());
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    List<FeatureDefinition> definitions = new ArrayList<>();
    for (int f = 0; f < IngestWorkload.FEATURES; f++) {
      definitions.add(FeatureDefinition.scalar(IngestWorkload.featureName(f), FeatureType.FLOAT64));
    }
    catalog.createFeatureGroup(
        new FeatureGroup("s_group", user, definitions, Duration.ZERO, false, "", 1));
    System.out.printf(
        Locale.ROOT,
        "%d rows; Parquet upload %.1f MB, Arrow upload %.1f MB%n",
        rows,
        Files.size(parquet) / 1e6,
        Files.size(arrow) / 1e6);

    try (RootAllocator allocator = new RootAllocator()) {
      Path objects = Files.createDirectories(folder.resolve("objects"));
      FeatureGroupWriter writer =
          StorageTestBed.writer(
              catalog,
              new JdbcTombstones(database.dataSource()),
              new LocalDiskObjectStore(objects),
              allocator,
              Clock.systemUTC(),
              FeatureGroupWriter.Settings.of(
                  Files.createDirectories(folder.resolve("tmp")), Duration.ofMinutes(5)));
      for (UploadFormat format : List.of(UploadFormat.PARQUET, UploadFormat.ARROW_STREAM)) {
        Path body = format == UploadFormat.PARQUET ? parquet : arrow;
        long storedBefore = IngestWorkload.folderBytes(objects);
        resetPeakHeap();
        long started = System.nanoTime();
        Commit commit =
            writer.append(
                "s_group",
                format,
                new SpooledUpload(body, Files.size(body), format.name() + System.nanoTime()),
                Optional.empty(),
                "benchmark");
        report(format.name(), commit.rows(), Files.size(body), System.nanoTime() - started);
        System.out.printf(
            Locale.ROOT,
            "  peak heap %.0f MB, peak Arrow memory %.0f MB, files written %.1f MB%n",
            peakHeap() / 1e6,
            allocator.getPeakMemoryAllocation() / 1e6,
            (IngestWorkload.folderBytes(objects) - storedBefore) / 1e6);
      }
    }

    Path sorted = folder.resolve("duckdb.parquet");
    report("DuckDB read+sort+write", rows, Files.size(parquet), workload.duckDbSortedCopy(sorted));
    System.out.printf(Locale.ROOT, "  file written %.1f MB%n", Files.size(sorted) / 1e6);
  }

  private static void report(String what, long rows, long bytes, long nanos) {
    System.out.println(IngestWorkload.rates(what, rows, bytes, nanos));
  }

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
