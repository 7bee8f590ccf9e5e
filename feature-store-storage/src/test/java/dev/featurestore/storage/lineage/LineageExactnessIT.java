package dev.featurestore.storage.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.storage.training.FeatureReference;
import dev.featurestore.storage.training.InlineSpine;
import dev.featurestore.storage.training.TrainingSetBuilder;
import dev.featurestore.storage.training.TrainingSetRequest;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.UploadBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lineage exactness on random data: for every key, the training sets (and uses) that lineage names
 * equal those found by scanning the training sets' Parquet outputs, where a key is used as SPINE
 * when it has an output row and as FEATURES when one of its rows has a joined value (the generated
 * feature values are never null, so a non-null value is exactly a join winner).
 */
class LineageExactnessIT {
  /** Keys u0..u79 appear in spines; only u0..u59 can have feature rows. */
  private static final int SPINE_KEYS = 80;

  private static final int FEATURE_KEYS = 60;
  private static final int TRAINING_SETS = 12;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long DAYS = 180;

  @TempDir Path folder;

  @Test
  void lineageOfEveryKeyEqualsAScanOfTheOutputs() throws Exception {
    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource());
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.jdbcUrl());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    // Pooled as in the server: the lineage query of every key makes several catalog calls.
    try (HikariDataSource dataSource = new HikariDataSource(pool)) {
      checkEveryKey(dataSource);
    }
  }

  private void checkEveryKey(DataSource dataSource) throws Exception {
    JdbcCatalog catalog = new JdbcCatalog(dataSource);
    Entity user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    // A TTL, so that some spine rows after a key's rows still find no winner.
    catalog.createFeatureGroup(
        new FeatureGroup(
            "activity",
            user,
            List.of(FeatureDefinition.scalar("clicks", FeatureType.FLOAT64)),
            Duration.ofDays(20),
            false,
            "",
            1));
    catalog.createFeatureGroup(
        new FeatureGroup(
            "profile",
            user,
            List.of(FeatureDefinition.scalar("age", FeatureType.FLOAT64)),
            Duration.ZERO,
            false,
            "",
            1));
    Random random = new Random(7);
    Path objectsFolder = folder.resolve("objects");
    try (StorageTestBed bed = StorageTestBed.over(dataSource, folder, Clock.systemUTC())) {
      RootAllocator allocator = bed.allocator();
      LocalDiskObjectStore objects = bed.objects();
      FeatureGroupWriter writer = bed.writer();
      for (String group : List.of("activity", "profile")) {
        Path upload =
            UploadBodies.parquet(
                featureRowsQuery(group.equals("activity") ? "clicks" : "age", random),
                folder.resolve(group + ".parquet"));
        writer.append(
            group,
            UploadFormat.PARQUET,
            new SpooledUpload(upload, Files.size(upload), group),
            Optional.empty(),
            "test");
      }

      JdbcTrainingSetCatalog trainingSets =
          new JdbcTrainingSetCatalog(dataSource, TestingLeases.ONE_REPLICA);
      ApiKey scientist =
          new JdbcApiKeys(dataSource).issue("scientist", Role.DATA_SCIENTIST).apiKey();
      LineageIndex index = new LineageIndex(dataSource);
      FeatureGroupReader reader = bed.reader();
      TrainingSetBuilder builder =
          new TrainingSetBuilder(
              catalog,
              trainingSets,
              new JdbcUploads(dataSource),
              reader,
              objects,
              allocator,
              Files.createDirectories(folder.resolve("build")),
              new PointInTimeJoinEngine(allocator, JoinOptions.DEFAULT, ForkJoinPool.commonPool()),
              index,
              StorageTestBed.THREADS);
      List<List<String>> featureChoices =
          List.of(
              List.of("activity:clicks"),
              List.of("profile:age"),
              List.of("activity:clicks", "profile:age"));
      List<TrainingSet> built = new ArrayList<>();
      for (int t = 0; t < TRAINING_SETS; t++) {
        List<FeatureReference> features = new ArrayList<>();
        for (String feature : featureChoices.get(random.nextInt(featureChoices.size()))) {
          features.add(FeatureReference.parse("features", feature, Optional.empty()));
        }
        TrainingSetRequest request =
            new TrainingSetRequest(
                "set_" + t,
                Optional.of(new InlineSpine(spineRows(random))),
                Optional.empty(),
                Optional.empty(),
                features,
                Optional.empty(),
                "{}");
        built.add(builder.materialize(builder.prepare(request, scientist)));
        if (t == TRAINING_SETS / 2) {
          // The rest are recorded after a query loaded the bitmaps into memory.
          index.trainingSetsUsing("user_id", "u0");
        }
      }

      Map<String, Map<UUID, Set<KeyUse>>> scanned = scanOutputs(objectsFolder, built);
      LineageQueries queries =
          new LineageQueries(catalog, trainingSets, new JdbcModels(dataSource), index, reader);
      LineageIndex reloaded = new LineageIndex(dataSource);
      for (int key = 0; key <= SPINE_KEYS; key++) {
        // u80 is in no spine: lineage knows nothing of it.
        String name = "u" + key;
        Map<UUID, Set<KeyUse>> expected = scanned.getOrDefault(name, Map.of());
        assertThat(index.trainingSetsUsing("user_id", name)).as(name).isEqualTo(expected);
        assertThat(reloaded.trainingSetsUsing("user_id", name)).as(name).isEqualTo(expected);
        assertThat(
                queries.forKey(user, name).trainingSets().stream()
                    .collect(
                        Collectors.toMap(
                            LineageQueries.TrainingSetUse::id,
                            LineageQueries.TrainingSetUse::usedAs)))
            .as(name)
            .isEqualTo(expected);
      }
      // The random data must exercise every case, or the comparison proves little.
      assertThat(scanned.values().stream().flatMap(uses -> uses.values().stream()))
          .contains(EnumSet.of(KeyUse.SPINE), EnumSet.of(KeyUse.SPINE, KeyUse.FEATURES));
    }
  }

  /** Rows of keys u0..u59 (a random two thirds of them), a few rows each at random times. */
  private static String featureRowsQuery(String feature, Random random) {
    List<String> rows = new ArrayList<>();
    for (int key = 0; key < FEATURE_KEYS; key++) {
      if (random.nextInt(3) == 0) {
        continue;
      }
      int versions = 1 + random.nextInt(4);
      for (int v = 0; v < versions; v++) {
        rows.add(
            "('u"
                + key
                + "', TIMESTAMPTZ '"
                + randomTime(random)
                + "', "
                + random.nextInt(1000)
                + ".5::DOUBLE)");
      }
    }
    return "SELECT * FROM (VALUES "
        + String.join(", ", rows)
        + ") AS t (user_id, event_time, "
        + feature
        + ")";
  }

  private static List<Map<String, Object>> spineRows(Random random) {
    List<Map<String, Object>> rows = new ArrayList<>();
    int count = 1 + random.nextInt(40);
    for (int row = 0; row < count; row++) {
      Map<String, Object> spineRow = new LinkedHashMap<>();
      spineRow.put("user_id", "u" + random.nextInt(SPINE_KEYS));
      spineRow.put("event_time", randomTime(random).toString());
      rows.add(spineRow);
    }
    return rows;
  }

  private static Instant randomTime(Random random) {
    return START.plusSeconds(random.nextLong(DAYS * 86_400));
  }

  /** Per key, the training sets whose outputs hold its rows, and whether any row was joined. */
  private static Map<String, Map<UUID, Set<KeyUse>>> scanOutputs(
      Path objectsFolder, List<TrainingSet> trainingSets) throws Exception {
    Map<String, Map<UUID, Set<KeyUse>>> uses = new HashMap<>();
    try (Connection duckDb = UploadBodies.duckDb();
        Statement statement = duckDb.createStatement()) {
      for (TrainingSet set : trainingSets) {
        Path output = objectsFolder.resolve(ObjectLayout.trainingSetOutput(set.id()));
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT user_id, COLUMNS(* EXCLUDE (user_id, event_time)) IS NOT NULL"
                    + " FROM read_parquet('"
                    + output
                    + "')")) {
          int columns = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            Set<KeyUse> used =
                uses.computeIfAbsent(rows.getString(1), key -> new HashMap<>())
                    .computeIfAbsent(set.id(), id -> EnumSet.noneOf(KeyUse.class));
            used.add(KeyUse.SPINE);
            for (int column = 2; column <= columns; column++) {
              if (rows.getBoolean(column)) {
                used.add(KeyUse.FEATURES);
              }
            }
          }
        }
      }
    }
    return uses;
  }
}
