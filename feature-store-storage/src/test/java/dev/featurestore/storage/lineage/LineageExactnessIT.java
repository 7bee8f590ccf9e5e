package dev.featurestore.storage.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.storage.training.ObjectStoreSpineUploads;
import dev.featurestore.storage.training.ParquetTrainingSetOutputs;
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
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.apache.arrow.memory.RootAllocator;

/**
 * Lineage exactness on generated data: for every key, the training sets (and uses) that lineage
 * names equal those found by scanning the training sets' Parquet outputs, where a key is used as
 * SPINE when it has an output row and as FEATURES when one of its rows has a joined value (the
 * generated feature values are never null, so a non-null value is exactly a join winner).
 */
class LineageExactnessIT {
  /** Keys u0..u79 appear in spines; only u0..u59 can have feature rows. */
  private static final int SPINE_KEYS = 80;

  private static final int FEATURE_KEYS = 60;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long SECONDS = 180L * 86_400;
  private static final List<List<String>> FEATURE_CHOICES =
      List.of(
          List.of("activity:clicks"),
          List.of("profile:age"),
          List.of("activity:clicks", "profile:age"));

  /** A stored row of a key: seconds after {@link #START}, and its value. */
  record FeatureRow(long second, int value) {}

  /** A spine row: its key number and seconds after {@link #START}. */
  record SpineRow(int key, long second) {}

  /** A training set to build: which of {@link #FEATURE_CHOICES}, on which spine. */
  record Request(int featureChoice, List<SpineRow> spine) {}

  /**
   * Per feature key (u0..u59) the rows of each group, the training sets in build order, and how
   * many are built before a query loads the bitmaps into memory (the rest are recorded after).
   */
  @Property(tries = 5)
  void lineageOfEveryKeyEqualsAScanOfTheOutputs(
      @ForAll("groupRows") List<List<FeatureRow>> activity,
      @ForAll("groupRows") List<List<FeatureRow>> profile,
      @ForAll("requests") List<Request> requests,
      @ForAll @IntRange(min = 0, max = 8) int builtBeforeTheFirstQuery)
      throws Exception {
    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.jdbcUrl());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    Path folder = Files.createTempDirectory("lineage-exactness");
    // Pooled as in the server: the lineage query of every key makes several catalog calls.
    try (HikariDataSource dataSource = new HikariDataSource(pool)) {
      Map<String, Map<UUID, Set<KeyUse>>> scanned =
          checkEveryKey(
              dataSource,
              folder,
              Map.of("activity", activity, "profile", profile),
              requests,
              builtBeforeTheFirstQuery);
      Set<Set<KeyUse>> usesSeen = new HashSet<>();
      scanned.values().forEach(uses -> usesSeen.addAll(uses.values()));
      Statistics.label("spine only").collect(usesSeen.contains(EnumSet.of(KeyUse.SPINE)));
      Statistics.label("spine and features")
          .collect(usesSeen.contains(EnumSet.of(KeyUse.SPINE, KeyUse.FEATURES)));
    } finally {
      try (var paths = Files.walk(folder)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
    // The generated data must exercise both cases, or the comparison proves little.
    Statistics.label("spine only").coverage(coverage -> coverage.check(true).count(n -> n > 0));
    Statistics.label("spine and features")
        .coverage(coverage -> coverage.check(true).count(n -> n > 0));
  }

  /** Rows of keys u0..u59, up to four each (none for some), at least one in all. */
  @Provide
  Arbitrary<List<List<FeatureRow>>> groupRows() {
    Arbitrary<FeatureRow> row =
        Combinators.combine(
                Arbitraries.longs().between(0, SECONDS - 1), Arbitraries.integers().between(0, 999))
            .as(FeatureRow::new);
    return row.list()
        .ofMaxSize(4)
        .list()
        .ofSize(FEATURE_KEYS)
        .filter(keys -> keys.stream().anyMatch(rows -> !rows.isEmpty()));
  }

  /** One to eight training sets, each on one to forty spine rows of keys u0..u79. */
  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<SpineRow> spineRow =
        Combinators.combine(
                Arbitraries.integers().between(0, SPINE_KEYS - 1),
                Arbitraries.longs().between(0, SECONDS - 1))
            .as(SpineRow::new);
    return Combinators.combine(
            Arbitraries.integers().between(0, FEATURE_CHOICES.size() - 1),
            spineRow.list().ofMinSize(1).ofMaxSize(40))
        .as(Request::new)
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  /** Builds the training sets, checks every key's lineage; returns the scan of the outputs. */
  private static Map<String, Map<UUID, Set<KeyUse>>> checkEveryKey(
      DataSource dataSource,
      Path folder,
      Map<String, List<List<FeatureRow>>> rowsByGroup,
      List<Request> requests,
      int builtBeforeTheFirstQuery)
      throws Exception {
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
    Path objectsFolder = folder.resolve("objects");
    try (StorageTestBed bed = StorageTestBed.over(dataSource, folder, Clock.systemUTC())) {
      RootAllocator allocator = bed.allocator();
      LocalDiskObjectStore objects = bed.objects();
      FeatureGroupWriter writer = bed.writer();
      for (String group : List.of("activity", "profile")) {
        Path upload =
            UploadBodies.parquet(
                featureRowsQuery(
                    group.equals("activity") ? "clicks" : "age", rowsByGroup.get(group)),
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
      LineageIndex index = new LineageIndex(dataSource, TestKeyDigests.DIGESTS);
      FeatureGroupReader reader = bed.reader();
      Path buildFolder = Files.createDirectories(folder.resolve("build"));
      TrainingSetBuilder builder =
          new TrainingSetBuilder(
              catalog,
              trainingSets,
              new JdbcUploads(dataSource),
              reader,
              new ObjectStoreSpineUploads(objects, buildFolder),
              new ParquetTrainingSetOutputs(
                  objects, buildFolder, ParquetCompression.DEFAULT, StorageTestBed.THREADS),
              allocator,
              new PointInTimeJoinEngine(allocator, JoinOptions.DEFAULT, ForkJoinPool.commonPool()),
              index);
      List<TrainingSet> built = new ArrayList<>();
      for (int t = 0; t < requests.size(); t++) {
        if (t == builtBeforeTheFirstQuery) {
          // The rest are recorded after a query loaded the bitmaps into memory.
          index.trainingSetsUsing("user_id", "u0");
        }
        List<FeatureReference> features = new ArrayList<>();
        for (String feature : FEATURE_CHOICES.get(requests.get(t).featureChoice())) {
          features.add(FeatureReference.parse("features", feature, Optional.empty()));
        }
        TrainingSetRequest request =
            new TrainingSetRequest(
                "set_" + t,
                Optional.of(new InlineSpine(spineRows(requests.get(t).spine()))),
                Optional.empty(),
                Optional.empty(),
                features,
                Optional.empty(),
                "{}");
        built.add(builder.materialize(builder.prepare(request, scientist)).trainingSet());
      }

      Map<String, Map<UUID, Set<KeyUse>>> scanned = scanOutputs(objectsFolder, built);
      LineageQueries queries =
          new LineageQueries(catalog, trainingSets, new JdbcModels(dataSource), index, reader);
      LineageIndex reloaded = new LineageIndex(dataSource, TestKeyDigests.DIGESTS);
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
      return scanned;
    }
  }

  /** The rows as a DuckDB query, the key of the i-th list being u<i>. */
  private static String featureRowsQuery(String feature, List<List<FeatureRow>> rowsByKey) {
    List<String> rows = new ArrayList<>();
    for (int key = 0; key < rowsByKey.size(); key++) {
      for (FeatureRow row : rowsByKey.get(key)) {
        rows.add(
            "('u"
                + key
                + "', TIMESTAMPTZ '"
                + START.plusSeconds(row.second())
                + "', "
                + row.value()
                + ".5::DOUBLE)");
      }
    }
    return "SELECT * FROM (VALUES "
        + String.join(", ", rows)
        + ") AS t (user_id, event_time, "
        + feature
        + ")";
  }

  private static List<Map<String, Object>> spineRows(List<SpineRow> spine) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (SpineRow row : spine) {
      Map<String, Object> spineRow = new LinkedHashMap<>();
      spineRow.put("user_id", "u" + row.key());
      spineRow.put("event_time", START.plusSeconds(row.second()).toString());
      rows.add(spineRow);
    }
    return rows;
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
