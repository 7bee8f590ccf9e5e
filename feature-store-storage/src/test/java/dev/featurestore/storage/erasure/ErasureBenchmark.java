package dev.featurestore.storage.erasure;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyErasure;
import dev.featurestore.core.erasure.PublishedTables;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.models.ModelRegistry;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcJobs;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.storage.training.ObjectStoreSpineUploads;
import dev.featurestore.storage.training.ParquetTrainingSetOutputs;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.UploadBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.memory.RootAllocator;

/**
 * Erasure of one key over the S group ({@code benchmarks.md}: 100,000 keys x 50 versions, 10
 * float64 features) with 100 training sets built on it, against DuckDB rewriting the same objects
 * without the key's rows (read, filter, write zstd Parquet) in the same run.
 *
 * <p>Each training set joins all 10 features onto a spine group of {@code spineRows} rows (every
 * key in turn, at random times over the year), so the key appears in every output.
 */
public final class ErasureBenchmark {
  private static final int FEATURES = 10;
  private static final String ERASED_KEY = "user_42";

  private ErasureBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int trainingSetCount = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int spineRows = args.length > 3 ? Integer.parseInt(args[3]) : 100_000;
    Path folder = Files.createTempDirectory("erasure-benchmark");
    StringBuilder features = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      features.append(", hash(i, ").append(f).append(") % 100000 / 7.0::DOUBLE AS f").append(f);
    }
    Path group =
        UploadBodies.parquet(
            "SELECT 'user_' || (i % "
                + keys
                + ") AS user_id, TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_hours(i // "
                + keys
                + " * 24 * 7) AS event_time"
                + features
                + " FROM range("
                + (long) keys * versions
                + ") t(i)",
            folder.resolve("group.parquet"));
    Path spine =
        UploadBodies.parquet(
            // Keys in a fixed scattered order, every key once per `keys` rows: the erased key is in
            // every spine.
            "SELECT 'user_' || (i * 7919 % "
                + keys
                + ") AS user_id, TIMESTAMPTZ '2025-01-01 00:00:00+00'"
                + " + to_seconds(hash(i, 1) % 31536000) AS event_time, (i % 2)::BIGINT AS label"
                + " FROM range("
                + spineRows
                + ") t(i)",
            folder.resolve("spine.parquet"));

    var database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    JdbcCatalog catalog = new JdbcCatalog(database.dataSource());
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    List<FeatureDefinition> definitions = new ArrayList<>();
    for (int f = 0; f < FEATURES; f++) {
      definitions.add(FeatureDefinition.scalar("f" + f, FeatureType.FLOAT64));
    }
    catalog.createFeatureGroup(
        new FeatureGroup("s_group", user, definitions, Duration.ZERO, false, "", 1));
    catalog.createFeatureGroup(
        new FeatureGroup(
            "labels",
            user,
            List.of(FeatureDefinition.scalar("label", FeatureType.INT64)),
            Duration.ZERO,
            false,
            "",
            1));
    LocalDiskObjectStore objects =
        new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects")));
    Path temporary = Files.createDirectories(folder.resolve("tmp"));
    JdbcTrainingSetCatalog trainingSets =
        new JdbcTrainingSetCatalog(database.dataSource(), TestingLeases.ONE_REPLICA);
    JdbcModels models = new JdbcModels(database.dataSource());
    LineageIndex lineage = new LineageIndex(database.dataSource(), TestKeyDigests.DIGESTS);
    try (RootAllocator allocator = new RootAllocator()) {
      ObjectCache cache = new ObjectCache(objects, folder.resolve("cache"));
      FeatureGroupReader reader =
          new FeatureGroupReader(
              catalog, cache, allocator, Executors.newVirtualThreadPerTaskExecutor());
      FeatureGroupWriter writer =
          StorageTestBed.writer(
              catalog,
              new JdbcTombstones(database.dataSource()),
              objects,
              allocator,
              Clock.systemUTC(),
              FeatureGroupWriter.Settings.of(temporary, Duration.ofDays(3650)));
      writer.append(
          "s_group",
          UploadFormat.PARQUET,
          new SpooledUpload(group, Files.size(group), "group"),
          Optional.empty(),
          "benchmark");
      writer.append(
          "labels",
          UploadFormat.PARQUET,
          new SpooledUpload(spine, Files.size(spine), "spine"),
          Optional.empty(),
          "benchmark");

      TrainingSetBuilder builder =
          new TrainingSetBuilder(
              catalog,
              trainingSets,
              new JdbcUploads(database.dataSource()),
              reader,
              new ObjectStoreSpineUploads(objects, temporary),
              new ParquetTrainingSetOutputs(
                  objects, temporary, ParquetCompression.DEFAULT, StorageTestBed.THREADS),
              allocator,
              new PointInTimeJoinEngine(allocator, JoinOptions.DEFAULT, ForkJoinPool.commonPool()),
              lineage);
      List<FeatureReference> featureReferences = new ArrayList<>();
      for (int f = 0; f < FEATURES; f++) {
        featureReferences.add(new FeatureReference("s_group", "f" + f, Optional.empty()));
      }
      ApiKey scientist =
          new JdbcApiKeys(database.dataSource()).issue("benchmark", Role.DATA_SCIENTIST).apiKey();
      long buildStarted = System.nanoTime();
      List<UUID> built = new ArrayList<>();
      for (int t = 0; t < trainingSetCount; t++) {
        TrainingSet set =
            builder
                .materialize(
                    builder.prepare(
                        new TrainingSetRequest(
                            "set_" + t,
                            Optional.empty(),
                            Optional.of("labels"),
                            Optional.empty(),
                            featureReferences,
                            Optional.empty(),
                            "{\"name\":\"set_" + t + "\",\"spine\":{\"featureGroup\":\"labels\"}}"),
                        scientist))
                .trainingSet();
        built.add(set.id());
        if (t % 10 == 9) {
          new ModelRegistry(models, trainingSets, Clock.systemUTC())
              .register("model_" + t / 10, "1", null, built.subList(t - 9, t + 1), scientist);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%d rows in s_group, %d training sets of %d rows built in %.1f s%n",
          (long) keys * versions,
          trainingSetCount,
          spineRows,
          (System.nanoTime() - buildStarted) / 1e9);

      List<Path> copies = copyObjectsHoldingTheKey(catalog, trainingSets, built, objects, folder);

      JdbcJobs jobs = new JdbcJobs(database.dataSource(), TestingLeases.ONE_REPLICA);
      JdbcErasureLedger erasures =
          new JdbcErasureLedger(database.dataSource(), TestKeyDigests.DIGESTS);
      KeyErasure eraser =
          KeyErasure.over(
              erasures,
              catalog,
              trainingSets,
              new JdbcUploads(database.dataSource()),
              lineage,
              models,
              new ParquetObjectRewriter(
                  reader,
                  writer,
                  objects,
                  cache,
                  allocator,
                  Long.MAX_VALUE,
                  temporary,
                  ParquetCompression.DEFAULT,
                  StorageTestBed.THREADS),
              objects,
              PublishedTables.NONE);
      UUID id = UUID.randomUUID();
      jobs.create(
          id, "ERASURE", "", eraser.plannedSteps(user, List.of(ERASED_KEY)), scientist.id());
      erasures.create(id, "user_id", List.of(ERASED_KEY), "benchmark", "benchmark");
      long erasureStarted = System.nanoTime();
      ErasureReceipt receipt = eraser.erase(id, "benchmark", done -> {});
      double erasureSeconds = (System.nanoTime() - erasureStarted) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "erasure of one key: %.2f s; %d objects rewritten, %d rows removed,"
              + " %d training sets affected, %d models to retrain%n",
          erasureSeconds,
          receipt.filesRewritten(),
          receipt.rowsRemoved(),
          receipt.trainingSetsAffected().size(),
          receipt.modelsToRetrain().size());

      double duckDbSeconds = duckDbRewrite(copies, folder);
      System.out.printf(
          Locale.ROOT,
          "DuckDB rewriting the same %d objects without the key: %.2f s; ratio %.2f%n",
          copies.size(),
          duckDbSeconds,
          erasureSeconds / duckDbSeconds);
    }
  }

  /** Copies of the objects the erasure will rewrite, for the baseline to rewrite too. */
  private static List<Path> copyObjectsHoldingTheKey(
      JdbcCatalog catalog,
      JdbcTrainingSetCatalog trainingSets,
      List<UUID> built,
      LocalDiskObjectStore objects,
      Path folder)
      throws Exception {
    List<String> keys = new ArrayList<>();
    for (String groupName : List.of("s_group", "labels")) {
      for (DataFile file : catalog.retainedDataFiles(groupName)) {
        keys.add(file.objectKey());
      }
    }
    for (UUID id : built) {
      keys.add(trainingSets.find(id).orElseThrow().outputObjectKey().orElseThrow());
    }
    Path baseline = Files.createDirectories(folder.resolve("baseline"));
    List<Path> copies = new ArrayList<>();
    for (String key : keys) {
      Path copy = baseline.resolve(copies.size() + ".parquet");
      try (var in = objects.get(key)) {
        Files.copy(in, copy);
      }
      copies.add(copy);
    }
    return copies;
  }

  private static double duckDbRewrite(List<Path> copies, Path folder) throws Exception {
    try (Connection duckdb = UploadBodies.duckDb();
        Statement sql = duckdb.createStatement()) {
      long started = System.nanoTime();
      for (Path copy : copies) {
        sql.execute(
            "COPY (SELECT * FROM read_parquet('"
                + copy
                + "') WHERE user_id <> '"
                + ERASED_KEY
                + "') TO '"
                + folder.resolve("rewritten-" + copy.getFileName())
                + "' (FORMAT parquet, COMPRESSION zstd)");
      }
      return (System.nanoTime() - started) / 1e9;
    }
  }
}
