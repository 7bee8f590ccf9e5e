package dev.featurestore.storage.ingest;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcJobs;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.erasure.JdbcErasureLedger;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.IngestWorkload;
import dev.featurestore.testing.TestingPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.arrow.memory.RootAllocator;

/**
 * What checking erased keys costs a commit (docs/benchmarks-ingest.md, "Erased-key check"): the
 * same Parquet upload (default 100,000 keys x 10 versions = 1,000,000 rows) committed through
 * {@link FeatureGroupWriter} with no tombstones, with 10,000 tombstones of keys it does not hold
 * (every key digested and looked up, none refused), and under DROP with 10,000 tombstones of keys
 * it holds (a tenth of the rows left out). Arguments: keys, versions, tombstones.
 */
public final class ErasedKeyCommitBenchmark {
  private static final int ROUNDS = 3;

  private ErasedKeyCommitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int tombstones = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    Path folder = Files.createTempDirectory("erased-key-benchmark");
    IngestWorkload workload = IngestWorkload.write(keys, versions, folder);
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
    JdbcTombstones tombstoneStore = new JdbcTombstones(database.dataSource());
    try (RootAllocator allocator = new RootAllocator()) {
      FeatureGroupWriter writer =
          StorageTestBed.writer(
              catalog,
              tombstoneStore,
              new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects"))),
              allocator,
              Clock.systemUTC(),
              FeatureGroupWriter.Settings.of(
                  Files.createDirectories(folder.resolve("tmp")), Duration.ofDays(3650)));
      commit(writer, workload, "no tombstones");
      erase(database.dataSource(), IntStream.range(0, tombstones).mapToObj(i -> "gone_" + i));
      commit(writer, workload, tombstones + " tombstones, none in the upload");
      erase(database.dataSource(), IntStream.range(0, tombstones).mapToObj(i -> "user_" + i));
      catalog.setErasedKeyPolicy("s_group", ErasedKeyPolicy.DROP);
      commit(writer, workload, 2 * tombstones + " tombstones, DROP " + tombstones + " held keys");
    }
  }

  private static void erase(DataSource dataSource, Stream<String> keys) {
    UUID id = UUID.randomUUID();
    new JdbcJobs(dataSource, TestingLeases.ONE_REPLICA).create(id, "ERASURE", "-", 0, null);
    new JdbcErasureLedger(dataSource, TestKeyDigests.DIGESTS)
        .create(id, "user_id", keys.toList(), "benchmark", "benchmark");
  }

  private static void commit(FeatureGroupWriter writer, IngestWorkload workload, String what)
      throws Exception {
    Path body = workload.parquet();
    long best = Long.MAX_VALUE;
    Commit commit = null;
    for (int round = 0; round < ROUNDS; round++) {
      long started = System.nanoTime();
      commit =
          writer.append(
              "s_group",
              UploadFormat.PARQUET,
              new SpooledUpload(body, Files.size(body), UUID.randomUUID().toString()),
              Optional.empty(),
              "benchmark");
      best = Math.min(best, System.nanoTime() - started);
    }
    System.out.printf(
        Locale.ROOT,
        "%-45s best of %d: %6.2f s, %,d rows stored, %,d dropped%n",
        what,
        ROUNDS,
        best / 1e9,
        commit.rows(),
        commit.droppedErasedRows());
  }
}
