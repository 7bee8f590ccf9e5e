package dev.featurestore.storage.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.testing.TestingPostgres;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The bitmap index answers exactly what a plain scan of the recorded key sets answers. */
class LineageIndexIT {
  /** Few distinct keys, so that sets overlap; each lookup opens a connection (no pool here). */
  private static final int KEYS = 50;

  /**
   * Whatever keys the training sets used, and however many were recorded before the first query
   * loaded the bitmaps into memory, the index (and a fresh one) answers what a scan answers.
   */
  @Property(tries = 6)
  void indexAgreesWithAScanOfEveryTrainingSetsKeys(
      @ForAll("recordings") List<Map<KeyUse, Set<String>>> recordings,
      @ForAll @IntRange(min = 0, max = 20) int recordedBeforeTheFirstQuery)
      throws Exception {
    DataSource dataSource = userEntityCatalog();
    LineageIndex index = new LineageIndex(dataSource, TestKeyDigests.DIGESTS);
    Map<UUID, Map<KeyUse, Set<String>>> recorded = new LinkedHashMap<>();
    for (Map<KeyUse, Set<String>> uses : recordings) {
      if (recorded.size() == recordedBeforeTheFirstQuery) {
        index.trainingSetsUsing("user_id", "u1");
      }
      UUID id = insertTrainingSet(dataSource);
      recorded.put(id, uses);
      index.record(id, "user_id", uses);
    }
    for (LineageIndex fresh :
        List.of(index, new LineageIndex(dataSource, TestKeyDigests.DIGESTS))) {
      for (int key = 0; key < KEYS; key++) {
        String name = "u" + key;
        Map<UUID, Set<KeyUse>> expected = new HashMap<>();
        recorded.forEach(
            (id, uses) ->
                uses.forEach(
                    (use, keys) -> {
                      if (keys.contains(name)) {
                        expected.computeIfAbsent(id, k -> EnumSet.noneOf(KeyUse.class)).add(use);
                      }
                    }));
        assertThat(fresh.trainingSetsUsing("user_id", name)).as(name).isEqualTo(expected);
      }
    }
  }

  /** Up to 20 training sets, each with up to 30 spine keys and up to 30 feature keys. */
  @Provide
  Arbitrary<List<Map<KeyUse, Set<String>>>> recordings() {
    Arbitrary<Set<String>> keys =
        Arbitraries.integers().between(0, KEYS - 1).map(key -> "u" + key).set().ofMaxSize(30);
    return Combinators.combine(keys, keys)
        .as(
            (spine, features) ->
                Map.<KeyUse, Set<String>>of(KeyUse.SPINE, spine, KeyUse.FEATURES, features))
        .list()
        .ofMinSize(1)
        .ofMaxSize(20);
  }

  /**
   * A training set recorded while another thread loads the entity's bitmaps for a query is found by
   * later queries: the load read its bitmaps before the recording committed, so the next query must
   * read what was recorded after the load's watermark.
   */
  @Test
  void trainingSetRecordedWhileTheBitmapsLoadIsNotLost() throws Exception {
    DataSource catalog = userEntityCatalog();
    UUID earlier = insertTrainingSet(catalog);
    new LineageIndex(catalog, TestKeyDigests.DIGESTS)
        .record(earlier, "user_id", Map.of(KeyUse.SPINE, Set.of("u1")));
    CountDownLatch loadRead = new CountDownLatch(1);
    CountDownLatch recorded = new CountDownLatch(1);
    LineageIndex index =
        new LineageIndex(
            pausingAfterTheBitmapLoadQuery(catalog, loadRead, recorded), TestKeyDigests.DIGESTS);
    UUID later = insertTrainingSet(catalog);
    ExecutorService querying = Executors.newSingleThreadExecutor();
    try {
      Future<Map<UUID, Set<KeyUse>>> query =
          querying.submit(() -> index.trainingSetsUsing("user_id", "u1"));
      assertThat(loadRead.await(30, TimeUnit.SECONDS)).isTrue();
      index.record(later, "user_id", Map.of(KeyUse.SPINE, Set.of("u1")));
      recorded.countDown();
      // The query in flight may or may not see the concurrent recording, depending on which of
      // the two finishes first; what must hold is that every later query does.
      assertThat(query.get().keySet()).contains(earlier).isSubsetOf(earlier, later);
    } finally {
      querying.shutdownNow();
    }

    assertThat(index.trainingSetsUsing("user_id", "u1")).containsOnlyKeys(earlier, later);
  }

  /**
   * Replicas share the catalog: a training set recorded through one is found by another that had
   * loaded the entity's bitmaps before (an erasure through it must reach that training set).
   */
  @Test
  void trainingSetRecordedThroughAnotherReplicaIsFound() throws Exception {
    DataSource catalog = userEntityCatalog();
    LineageIndex replicaA = new LineageIndex(catalog, TestKeyDigests.DIGESTS);
    LineageIndex replicaB = new LineageIndex(catalog, TestKeyDigests.DIGESTS);
    UUID first = insertTrainingSet(catalog);
    replicaA.record(first, "user_id", Map.of(KeyUse.SPINE, Set.of("u1")));
    assertThat(replicaB.trainingSetsUsing("user_id", "u1")).containsOnlyKeys(first);

    UUID second = insertTrainingSet(catalog);
    replicaA.record(second, "user_id", Map.of(KeyUse.FEATURES, Set.of("u1")));

    assertThat(replicaB.trainingSetsUsing("user_id", "u1"))
        .isEqualTo(Map.of(first, EnumSet.of(KeyUse.SPINE), second, EnumSet.of(KeyUse.FEATURES)));
  }

  /**
   * The catalog, except that the query loading an entity's bitmaps, once it has read them, says so
   * and waits for {@code resume} (at most a second: a recording that waits for the load to finish
   * must not wait forever).
   */
  private static DataSource pausingAfterTheBitmapLoadQuery(
      DataSource catalog, CountDownLatch read, CountDownLatch resume) {
    InvocationHandler dataSource =
        (proxy, method, arguments) -> {
          Object result = invoke(method, catalog, arguments);
          if (!method.getName().equals("getConnection")) {
            return result;
          }
          Connection connection = (Connection) result;
          return Proxy.newProxyInstance(
              LineageIndexIT.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (connectionProxy, connectionMethod, connectionArguments) -> {
                Object made = invoke(connectionMethod, connection, connectionArguments);
                if (!connectionMethod.getName().equals("prepareStatement")
                    || !((String) connectionArguments[0]).startsWith("SELECT training_set_id")) {
                  return made;
                }
                PreparedStatement statement = (PreparedStatement) made;
                return Proxy.newProxyInstance(
                    LineageIndexIT.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class},
                    (statementProxy, statementMethod, statementArguments) -> {
                      Object answer = invoke(statementMethod, statement, statementArguments);
                      if (statementMethod.getName().equals("executeQuery")) {
                        read.countDown();
                        resume.await(1, TimeUnit.SECONDS);
                      }
                      return answer;
                    });
              });
        };
    return (DataSource)
        Proxy.newProxyInstance(
            LineageIndexIT.class.getClassLoader(), new Class<?>[] {DataSource.class}, dataSource);
  }

  private static Object invoke(Method method, Object target, Object[] arguments) throws Throwable {
    try {
      return method.invoke(target, arguments);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static DataSource userEntityCatalog() throws Exception {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO entities (name, key_type) VALUES ('user_id', 'STRING')")) {
      insert.executeUpdate();
    }
    return dataSource;
  }

  private static UUID insertTrainingSet(DataSource dataSource) throws Exception {
    UUID id = UUID.randomUUID();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO training_sets (id, name, status, request, catalog_version)"
                    + " VALUES (?, 't', 'READY', '{}', '{}')")) {
      insert.setObject(1, id);
      insert.executeUpdate();
    }
    return id;
  }
}
