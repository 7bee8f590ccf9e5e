package dev.featurestore.storage.lineage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.models.ModelRegistry;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.testing.TestingPostgres;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.RootAllocator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The lineage benchmark of docs/benchmarks-lineage.md: training sets with random spines (sizes
 * log-uniform up to the maximum) over one entity's keys are recorded through {@link
 * LineageIndex#record} as a training set's completion records them, models are registered on them,
 * then "which training sets and models used key X" is timed through {@link LineageQueries#forKey}
 * for random present and absent keys. Baseline in the same run: the same uses stored as one row per
 * (key, training set, use) in a B-tree, queried by key id. Arguments: training sets, distinct keys,
 * largest spine rows, lookups (defaults 1000, 100000, 1000000, 10000).
 */
public final class LineageBenchmark {
  private static final String ENTITY = "user_id";
  private static final int MIN_SPINE_ROWS = 1_000;

  /** One key in ten has no feature rows, so it is used as spine only. */
  private static final int KEYS_WITHOUT_FEATURES_ONE_IN = 10;

  private static final double ABSENT_KEY_SHARE = 0.1;

  private LineageBenchmark() {}

  public static void main(String[] args) throws Exception {
    int trainingSetCount = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int maxSpineRows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    int lookups = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    Random random = new Random(42);

    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(database.jdbcUrl());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    Path folder = Files.createTempDirectory("lineage-benchmark");
    try (HikariDataSource dataSource = new HikariDataSource(pool);
        RootAllocator allocator = new RootAllocator()) {
      JdbcCatalog catalog = new JdbcCatalog(dataSource);
      Entity entity = catalog.createEntity(new Entity(ENTITY, KeyType.STRING, ""));
      JdbcTrainingSetCatalog trainingSets =
          new JdbcTrainingSetCatalog(dataSource, TestingLeases.ONE_REPLICA);
      JdbcModels models = new JdbcModels(dataSource);
      ApiKey scientist =
          new JdbcApiKeys(dataSource).issue("benchmark", Role.DATA_SCIENTIST).apiKey();
      LineageIndex index = new LineageIndex(dataSource, TestKeyDigests.DIGESTS);

      System.out.printf(
          Locale.ROOT,
          "%d training sets, %,d keys, spines %,d-%,d rows (log-uniform); load average %s%n",
          trainingSetCount,
          keys,
          MIN_SPINE_ROWS,
          maxSpineRows,
          loadAverage());
      List<UUID> ids = new ArrayList<>();
      Map<UUID, BitSet[]> usesBySet = new HashMap<>();
      long spineRows = 0;
      long[] recordNanos = new long[trainingSetCount];
      long buildStarted = System.nanoTime();
      for (int t = 0; t < trainingSetCount; t++) {
        // The first spine has the largest size, so every run records one at the maximum.
        int rows =
            t == 0
                ? maxSpineRows
                : (int)
                    Math.round(
                        MIN_SPINE_ROWS
                            * Math.pow(
                                (double) maxSpineRows / MIN_SPINE_ROWS, random.nextDouble()));
        spineRows += rows;
        BitSet spine = new BitSet(keys);
        for (int row = 0; row < rows; row++) {
          spine.set(random.nextInt(keys));
        }
        BitSet features = (BitSet) spine.clone();
        for (int key = 0; key < keys; key += KEYS_WITHOUT_FEATURES_ONE_IN) {
          features.clear(key);
        }
        UUID id = UUID.randomUUID();
        trainingSets.create(id, "set-" + t, "{}", Map.of(), scientist.id());
        trainingSets.markRunning(id);
        long started = System.nanoTime();
        index.record(
            id, ENTITY, Map.of(KeyUse.SPINE, keyNames(spine), KeyUse.FEATURES, keyNames(features)));
        recordNanos[t] = System.nanoTime() - started;
        trainingSets.complete(
            id, "training-sets/" + id + ".parquet", "hash", rows, 0, List.of(), Map.of());
        ids.add(id);
        usesBySet.put(id, new BitSet[] {spine, features});
        if ((t + 1) % 100 == 0) {
          System.out.printf(
              Locale.ROOT,
              "  recorded %d training sets in %.1f s%n",
              t + 1,
              (System.nanoTime() - buildStarted) / 1e9);
        }
      }
      double buildSeconds = (System.nanoTime() - buildStarted) / 1e9;
      // A model per two training sets, each trained on one to four random training sets.
      for (int m = 0; m < trainingSetCount / 2; m++) {
        Set<UUID> trainedOn = new HashSet<>();
        int count = 1 + random.nextInt(4);
        while (trainedOn.size() < count) {
          trainedOn.add(ids.get(random.nextInt(ids.size())));
        }
        new ModelRegistry(models, trainingSets, Clock.systemUTC())
            .register("model_" + m, "1", null, new ArrayList<>(trainedOn), scientist);
      }
      System.out.printf(
          Locale.ROOT,
          "recorded %d training sets, %,d spine rows, in %.1f s; lineage record per set:"
              + " p50 %.1f ms, p99 %.1f ms, max %.1f ms (largest spine: %.1f ms)%n",
          trainingSetCount,
          spineRows,
          buildSeconds,
          percentile(recordNanos, 0.50) / 1e6,
          percentile(recordNanos, 0.99) / 1e6,
          percentile(recordNanos, 1.0) / 1e6,
          recordNanos[0] / 1e6);

      long bitmapBytes = relationBytes(dataSource, "training_set_keys");
      long keyBytes = relationBytes(dataSource, "entity_keys");
      System.out.printf(
          Locale.ROOT,
          "catalog: training_set_keys %.1f MB + entity_keys %.1f MB = %.2f bytes per training-set"
              + " row (%.4f without the key dictionary)%n",
          bitmapBytes / 1e6,
          keyBytes / 1e6,
          (bitmapBytes + keyBytes) / (double) spineRows,
          bitmapBytes / (double) spineRows);

      List<String> lookupKeys = new ArrayList<>();
      for (int i = 0; i < lookups; i++) {
        lookupKeys.add(
            random.nextDouble() < ABSENT_KEY_SHARE
                ? "absent_" + random.nextInt(keys)
                : keyName(random.nextInt(keys)));
      }
      long coldStarted = System.nanoTime();
      index.trainingSetsUsing(ENTITY, keyName(0));
      System.out.printf(
          Locale.ROOT,
          "first lookup (loads the entity's bitmaps): %.1f ms%n",
          (System.nanoTime() - coldStarted) / 1e6);

      checkAnswers(index, ids, usesBySet, lookupKeys.subList(0, Math.min(200, lookups)));

      LineageQueries queries =
          new LineageQueries(
              catalog,
              trainingSets,
              models,
              index,
              new FeatureGroupReader(
                  catalog,
                  new ObjectCache(
                      new LocalDiskObjectStore(folder.resolve("objects")), folder.resolve("cache")),
                  allocator,
                  Executors.newVirtualThreadPerTaskExecutor()));
      long[] answerSizes = new long[2];
      time(
          "LineageQueries.forKey (training sets, names, models)",
          lookupKeys,
          key -> {
            LineageQueries.KeyLineage answer = queries.forKey(entity, key);
            answerSizes[0] += answer.trainingSets().size();
            answerSizes[1] += answer.models().size();
          });
      System.out.printf(
          Locale.ROOT,
          "  mean answer: %.0f training sets, %.0f models%n",
          answerSizes[0] / (2.0 * lookups),
          answerSizes[1] / (2.0 * lookups));
      time(
          "LineageIndex.trainingSetsUsing (ids and uses only)",
          lookupKeys,
          key -> index.trainingSetsUsing(ENTITY, key));

      loadBaseline(dataSource, ids, usesBySet, keys);
      System.out.printf(
          Locale.ROOT,
          "baseline: one row per (key, training set, use) %.1f MB = %.2f bytes per training-set"
              + " row; load average %s%n",
          relationBytes(dataSource, "baseline_key_uses") / 1e6,
          relationBytes(dataSource, "baseline_key_uses") / (double) spineRows,
          loadAverage());
      try (Connection connection = dataSource.getConnection();
          PreparedStatement select =
              connection.prepareStatement(
                  "SELECT u.training_set_id, u.used_as FROM baseline_key_uses u"
                      + " JOIN entity_keys k ON k.id = u.key_id"
                      + " WHERE k.entity_name = ? AND k.key_value = ?")) {
        time(
            "baseline B-tree (ids and uses only)",
            lookupKeys,
            key -> {
              select.setString(1, ENTITY);
              select.setString(2, key);
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  rows.getObject(1, UUID.class);
                }
              }
            });
      }
      System.out.printf(Locale.ROOT, "load average at the end: %s%n", loadAverage());
    }
  }

  private interface Lookup {
    void run(String key) throws Exception;
  }

  /** Times every key twice: once to warm up (JIT, pool, caches), once measured. */
  private static void time(String what, List<String> keys, Lookup lookup) throws Exception {
    for (String key : keys) {
      lookup.run(key);
    }
    long[] nanos = new long[keys.size()];
    long started = System.nanoTime();
    for (int i = 0; i < keys.size(); i++) {
      long one = System.nanoTime();
      lookup.run(keys.get(i));
      nanos[i] = System.nanoTime() - one;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%-52s p50 %7.3f ms  p99 %7.3f ms  p99.9 %7.3f ms  max %7.3f ms  (%,.0f lookups/s)%n",
        what,
        percentile(nanos, 0.50) / 1e6,
        percentile(nanos, 0.99) / 1e6,
        percentile(nanos, 0.999) / 1e6,
        percentile(nanos, 1.0) / 1e6,
        keys.size() / seconds);
  }

  /** A cheap check that the index answers what was recorded (LineageIndexIT checks it fully). */
  private static void checkAnswers(
      LineageIndex index, List<UUID> ids, Map<UUID, BitSet[]> usesBySet, List<String> keys) {
    for (String key : keys) {
      Map<UUID, Set<KeyUse>> answer = index.trainingSetsUsing(ENTITY, key);
      int expected = 0;
      if (key.startsWith("user_")) {
        int keyIndex = Integer.parseInt(key.substring("user_".length()));
        for (UUID id : ids) {
          if (usesBySet.get(id)[0].get(keyIndex)) {
            expected++;
          }
        }
      }
      if (answer.size() != expected) {
        throw new IllegalStateException(
            key + ": index names " + answer.size() + " training sets, recorded " + expected);
      }
    }
  }

  private static void loadBaseline(
      HikariDataSource dataSource, List<UUID> ids, Map<UUID, BitSet[]> usesBySet, int keys)
      throws Exception {
    long started = System.nanoTime();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE baseline_key_uses (key_id bigint NOT NULL, training_set_id uuid NOT NULL,"
              + " used_as smallint NOT NULL)");
      Map<String, Long> keyIds = new HashMap<>();
      try (ResultSet rows =
          statement.executeQuery("SELECT key_value, id FROM entity_keys ORDER BY id")) {
        while (rows.next()) {
          keyIds.put(rows.getString(1), rows.getLong(2));
        }
      }
      long[] idOfKey = new long[keys];
      for (int key = 0; key < keys; key++) {
        idOfKey[key] = keyIds.getOrDefault(keyName(key), -1L);
      }
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      for (UUID id : ids) {
        StringBuilder rows = new StringBuilder();
        BitSet[] uses = usesBySet.get(id);
        for (int use = 0; use < uses.length; use++) {
          for (int key = uses[use].nextSetBit(0); key >= 0; key = uses[use].nextSetBit(key + 1)) {
            rows.append(idOfKey[key]).append('\t').append(id).append('\t').append(use).append('\n');
          }
        }
        copy.copyIn("COPY baseline_key_uses FROM STDIN", new StringReader(rows.toString()));
      }
      statement.execute(
          "ALTER TABLE baseline_key_uses ADD PRIMARY KEY (key_id, training_set_id, used_as)");
      statement.execute("VACUUM ANALYZE baseline_key_uses");
    }
    System.out.printf(
        Locale.ROOT,
        "baseline loaded with COPY and indexed in %.1f s%n",
        (System.nanoTime() - started) / 1e9);
  }

  /** The keys as the server collects them for lineage: a set of key texts. */
  private static Set<String> keyNames(BitSet keys) {
    Set<String> names = new HashSet<>();
    for (int key = keys.nextSetBit(0); key >= 0; key = keys.nextSetBit(key + 1)) {
      names.add(keyName(key));
    }
    return names;
  }

  private static String keyName(int key) {
    return "user_" + key;
  }

  private static long relationBytes(HikariDataSource dataSource, String table) throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("VACUUM ANALYZE " + table);
      try (ResultSet rows =
          statement.executeQuery("SELECT pg_total_relation_size('" + table + "')")) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  private static long percentile(long[] values, double quantile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
  }

  private static String loadAverage() throws Exception {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }
}
