package dev.featurestore.api.online;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.problems.UnexpectedFailure;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.CatalogChangeListener;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.online.OnlineIndexLoader;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Online lookups through the whole server: groups and commits made over HTTP, answers from the main
 * port and from the lean listener, on both paths.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
class OnlineFeaturesIT {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.online-port", () -> "0");
    registry.add("feature-store.online.max-keys", () -> "5");
    registry.add("feature-store.online.poll-interval", () -> "PT0.2S");
    // Long enough that the admin key stays trusted through a test holding the key table locked.
    registry.add("feature-store.online.key-cache-ttl", () -> "PT1M");
  }

  @LocalServerPort int mainPort;
  @Autowired OnlineListener listener;
  @Autowired OnlineIndexes indexes;
  @Autowired FeatureGroupWriter writer;
  @Autowired Catalog catalog;
  @Autowired BufferAllocator allocator;
  @Autowired JsonMapper json;
  @Autowired ObjectStore objectStore;
  @Autowired DataSource dataSource;
  @Autowired OnlineFeatureLookup lookup;
  @Autowired OnlineRequestAuthenticator authenticator;
  @Autowired ApiKeys apiKeys;
  @Autowired ConnectionLimits connectionLimits;
  @Autowired ReadAccess readAccess;
  @Autowired ClassifiedLookupAudit classifiedLookupAudit;

  private final HttpClient http = HttpClient.newHttpClient();
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final String ONE_ITEM =
      "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1]}}";

  private static boolean groupsCreated;

  /** Once per class; the context, and so the Spring beans it needs, is ready only from here. */
  @BeforeEach
  void createGroupsOnce() throws Exception {
    if (groupsCreated) {
      return;
    }
    groupsCreated = true;
    post(mainPort, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(mainPort, "/api/v1/entities", "{\"name\":\"item_id\",\"keyType\":\"INT64\"}");
    assertThat(
            post(
                    mainPort,
                    "/api/v1/feature-groups",
                    """
                    {"name":"user_activity","entity":"user_id","ttl":"P1D","online":true,
                     "features":[{"name":"clicks","type":"INT64"},{"name":"score","type":"FLOAT64"},
                                 {"name":"country","type":"STRING"}]}
                    """)
                .statusCode())
        .isEqualTo(201);
    post(
        mainPort,
        "/api/v1/feature-groups",
        """
        {"name":"item_stats","entity":"item_id","online":true,
         "features":[{"name":"views","type":"INT64"}]}
        """);
    post(
        mainPort,
        "/api/v1/feature-groups",
        """
        {"name":"offline_only","entity":"user_id","features":[{"name":"clicks","type":"INT64"}]}
        """);
    // A group created through this server has its index before the 201.
    assertThat(indexes.index("user_activity")).isPresent();
    assertThat(indexes.index("item_stats")).isPresent();
    commit(
        "user_activity",
        row("u1", NOW.minus(2, ChronoUnit.HOURS), "\"clicks\":1,\"score\":0.5,\"country\":\"FR\""),
        row("u1", NOW.minus(1, ChronoUnit.HOURS), "\"clicks\":2,\"score\":1.5,\"country\":\"PE\""),
        row("u2", NOW.minus(1, ChronoUnit.HOURS), "\"clicks\":7,\"score\":null"),
        row("u3", NOW.minus(2, ChronoUnit.DAYS), "\"clicks\":9,\"score\":9.5"));
  }

  @Test
  void answersFeastShapedLookupsOnBothPortsAndPaths() throws Exception {
    String request =
        """
        {"features":["user_activity:clicks","user_activity:score","user_activity:country"],
         "entities":{"user_id":["u1","u2","u3","nobody"]}}
        """;
    List<String> answers = new ArrayList<>();
    for (int port : List.of(mainPort, onlinePort())) {
      for (String path : OnlineListener.LOOKUP_PATHS) {
        HttpResponse<String> response = post(port, path, request);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow())
            .startsWith("application/json");
        answers.add(response.body());
      }
    }
    assertThat(answers).containsOnly(answers.get(0));

    JsonNode answer = json.readTree(answers.get(0));
    assertThat(answer.get("metadata").get("feature_names").toString())
        .isEqualTo("[\"user_id\",\"clicks\",\"score\",\"country\"]");
    JsonNode results = answer.get("results");
    assertThat(results.get(0).get("values").toString())
        .isEqualTo("[\"u1\",\"u2\",\"u3\",\"nobody\"]");
    assertThat(results.get(1).get("values").toString()).isEqualTo("[2,7,null,null]");
    assertThat(results.get(1).get("statuses").toString())
        .isEqualTo("[\"PRESENT\",\"PRESENT\",\"OUTSIDE_TTL\",\"NOT_FOUND\"]");
    assertThat(results.get(2).get("values").toString()).isEqualTo("[1.5,null,null,null]");
    assertThat(results.get(2).get("statuses").get(1).stringValue()).isEqualTo("NULL_VALUE");
    assertThat(results.get(3).get("values").toString()).isEqualTo("[\"PE\",null,null,null]");
    assertThat(results.get(1).get("event_timestamps").toString())
        .isEqualTo(
            "[\"%s\",\"%s\",\"%s\",\"1970-01-01T00:00:00Z\"]"
                .formatted(
                    NOW.minus(1, ChronoUnit.HOURS),
                    NOW.minus(1, ChronoUnit.HOURS),
                    NOW.minus(2, ChronoUnit.DAYS)));
  }

  @Test
  void aCommitIsVisibleAsSoonAsItIsAcknowledgedAndFutureRowsWait() throws Exception {
    commit("item_stats", row(41L, NOW.minusSeconds(10), "\"views\":1"));
    assertThat(views(41)).isEqualTo("[1]");

    commit(
        "item_stats",
        row(41L, NOW.minusSeconds(5), "\"views\":2"),
        row(42L, Instant.now().plus(2, ChronoUnit.MINUTES), "\"views\":3"));
    assertThat(views(41)).isEqualTo("[2]");
    assertThat(views(42)).isEqualTo("[null]");
  }

  /** A one-key answer asked for more than once is kept formatted (KeyAnswerCache). */
  @Test
  void aKeptAnswerGivesWayToEveryCommitThatChangesTheKey() throws Exception {
    commit("item_stats", row(61L, NOW.minusSeconds(10), "\"views\":1"));
    for (int i = 0; i < 3; i++) {
      assertThat(views(61)).isEqualTo("[1]");
    }

    commit("item_stats", row(61L, NOW.minusSeconds(5), "\"views\":2"));
    for (int i = 0; i < 3; i++) {
      assertThat(views(61)).isEqualTo("[2]");
    }

    commit("item_stats", row(61L, NOW.minusSeconds(4), "\"views\":null"));
    assertThat(views(61)).isEqualTo("[null]");
    assertThat(
            json.readTree(post(onlinePort(), "/get-online-features", itemViews(61)).body())
                .get("results")
                .get(1)
                .get("statuses")
                .toString())
        .isEqualTo("[\"NULL_VALUE\"]");
  }

  /** Kept answers are the same bytes as formatted ones, on both ports, for every value type. */
  @Test
  void aKeptAnswerIsTheAnswerFormattedAfresh() throws Exception {
    String request =
        """
        {"features":["user_activity:clicks","user_activity:score","user_activity:country"],
         "entities":{"user_id":["u1"]}}""";
    List<String> answers = new ArrayList<>();
    for (int port : List.of(mainPort, onlinePort(), onlinePort(), onlinePort(), mainPort)) {
      HttpResponse<String> response = post(port, "/get-online-features", request);
      assertThat(response.statusCode()).isEqualTo(200);
      answers.add(response.body());
    }
    assertThat(answers).containsOnly(answers.get(0));
    assertThat(answers.get(0))
        .isEqualTo(
            ("{\"metadata\":{\"feature_names\":[\"user_id\",\"clicks\",\"score\",\"country\"]},"
                    + "\"results\":[{\"values\":[\"u1\"],\"statuses\":[\"PRESENT\"],"
                    + "\"event_timestamps\":[\"1970-01-01T00:00:00Z\"]},"
                    + "{\"values\":[2],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[\"%1$s\"]},"
                    + "{\"values\":[1.5],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[\"%1$s\"]},"
                    + "{\"values\":[\"PE\"],\"statuses\":[\"PRESENT\"],\"event_timestamps\":[\"%1$s\"]}]}")
                .formatted(NOW.minus(1, ChronoUnit.HOURS)));
  }

  /**
   * A group's statuses and event times arrays are formatted once per request and shared by its
   * features: each feature still gets its own statuses, here changing from feature to feature and
   * back, in exactly the text the generator writes.
   */
  @Test
  void aManyKeyAnswerGivesEachFeatureItsOwnStatuses() throws Exception {
    String request =
        """
        {"features":["user_activity:score","user_activity:clicks","user_activity:country"],
         "entities":{"user_id":["u1","u2","u3","nobody"]}}""";
    String eventTimes =
        "[\"%1$s\",\"%1$s\",\"%2$s\",\"1970-01-01T00:00:00Z\"]"
            .formatted(NOW.minus(1, ChronoUnit.HOURS), NOW.minus(2, ChronoUnit.DAYS));
    String withNull = "[\"PRESENT\",\"NULL_VALUE\",\"OUTSIDE_TTL\",\"NOT_FOUND\"]";
    String expected =
        "{\"metadata\":{\"feature_names\":[\"user_id\",\"score\",\"clicks\",\"country\"]},"
            + "\"results\":[{\"values\":[\"u1\",\"u2\",\"u3\",\"nobody\"],"
            + "\"statuses\":[\"PRESENT\",\"PRESENT\",\"PRESENT\",\"PRESENT\"],"
            + "\"event_timestamps\":[\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:00Z\","
            + "\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:00Z\"]},"
            + featureResults("1.5,null,null,null", withNull, eventTimes)
            + ","
            + featureResults(
                "2,7,null,null",
                "[\"PRESENT\",\"PRESENT\",\"OUTSIDE_TTL\",\"NOT_FOUND\"]",
                eventTimes)
            + ","
            + featureResults("\"PE\",null,null,null", withNull, eventTimes)
            + "]}";
    for (int port : List.of(mainPort, onlinePort())) {
      HttpResponse<String> response = post(port, "/get-online-features", request);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(expected);
    }
  }

  private static String featureResults(String values, String statuses, String eventTimes) {
    return "{\"values\":[%s],\"statuses\":%s,\"event_timestamps\":%s}"
        .formatted(values, statuses, eventTimes);
  }

  @Test
  void commitsMadeThroughAnotherReplicaArriveWithinASecond() throws Exception {
    byte[] rows =
        ("{\"rows\":[" + row(77L, NOW.minusSeconds(1), "\"views\":77") + "]}")
            .getBytes(StandardCharsets.UTF_8);
    Path file = Files.createTempFile(dataDir, "upload", ".json");
    Files.write(file, rows);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rows));
    long committedAt = System.nanoTime();
    writer.append(
        "item_stats",
        UploadFormat.JSON,
        new SpooledUpload(file, rows.length, sha256),
        Optional.empty(),
        "replica-2");

    while (!views(77).equals("[77]")) {
      assertThat(System.nanoTime() - committedAt).isLessThan(Duration.ofSeconds(1).toNanos());
      Thread.sleep(20);
    }

    // A schema evolution made elsewhere arrives the same way: its feature is asked for, null.
    catalog.addFeatures(
        "item_stats", List.of(FeatureDefinition.scalar("likes", FeatureType.INT64)));
    long evolvedAt = System.nanoTime();
    String likes = "{\"features\":[\"item_stats:likes\"],\"entities\":{\"item_id\":[77]}}";
    HttpResponse<String> answer;
    while ((answer = post(onlinePort(), "/get-online-features", likes)).statusCode() != 200) {
      assertThat(System.nanoTime() - evolvedAt).isLessThan(Duration.ofSeconds(1).toNanos());
      Thread.sleep(20);
    }
    assertThat(json.readTree(answer.body()).get("results").get(1).get("statuses").toString())
        .isEqualTo("[\"NULL_VALUE\"]");
  }

  @Test
  void aReplicaHearsOfCommitsAtOnceWithoutPolling() throws Exception {
    OnlineIndexes replica = replicaIndexes(new OnlineMemoryBudget(1L << 30));
    replica.start();
    Semaphore signals = new Semaphore(0);
    try (CatalogChangeListener changes =
        new CatalogChangeListener(
            dataSource,
            Map.of(
                CatalogChangeListener.FEATURE_GROUP_CHANGES,
                () -> {
                  replica.catalogChanged();
                  signals.release();
                }),
            Duration.ofSeconds(1))) {
      changes.start();
      assertThat(signals.tryAcquire(10, TimeUnit.SECONDS)).as("listening").isTrue();

      assertThat(replicaCatchesUpWithin(replica, Duration.ofSeconds(1))).isTrue();
    } finally {
      replica.stop();
    }
  }

  @Test
  void aReplicaThatHearsNothingCatchesUpByPolling() throws Exception {
    OnlineIndexes replica =
        replicaIndexes(new OnlineMemoryBudget(1L << 30), Duration.ofMillis(200));
    replica.start();
    try {
      assertThat(replicaCatchesUpWithin(replica, Duration.ofSeconds(1))).isTrue();
    } finally {
      replica.stop();
    }
  }

  /**
   * An Error thrown while a group's new files are read (here by the object store, as an
   * OutOfMemoryError would be) neither stops the poll nor goes unseen: the group is listed as
   * failing until a later poll applies the commit.
   */
  @Test
  void aPollHitByAnErrorListsTheGroupAndKeepsPolling() throws Exception {
    ObjectStoreFailingWithAnError failingStore = new ObjectStoreFailingWithAnError(objectStore);
    OnlineIndexes replica =
        replicaIndexes(new OnlineMemoryBudget(1L << 30), Duration.ofMillis(50), failingStore);
    replica.start();
    try {
      failingStore.failReads();
      long sequence = commitViews(79L);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!replica.failingGroups().containsKey("item_stats")) {
        assertThat(System.nanoTime()).as("the failure is listed").isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(replica.failingGroups()).containsEntry("item_stats", "OutOfMemoryError");

      failingStore.succeedReads();
      while (replica.index("item_stats").orElseThrow().appliedSequence() < sequence) {
        assertThat(System.nanoTime()).as("the poll still runs").isLessThan(deadline);
        Thread.sleep(5);
      }
      assertThat(replica.failingGroups()).isEmpty();
    } finally {
      replica.stop();
    }
  }

  /**
   * A build is held to its own Arrow allocator (feature-store.memory.per-request): one that needs
   * more fails that group's build, listed as failing, instead of taking from the root unbounded.
   */
  @Test
  void anIndexBuildIsHeldToTheMemoryPerRequest() throws Exception {
    OnlineIndexes replica =
        replicaIndexes(new OnlineMemoryBudget(1L << 30), Duration.ofHours(1), objectStore, 1);
    replica.start();
    try {
      assertThat(replica.failingGroups()).containsEntry("item_stats", "OutOfMemoryException");
      assertThat(replica.index("item_stats")).isEmpty();
    } finally {
      replica.stop();
    }
  }

  /** The real store, whose reads throw an Error while the test asks. */
  private static final class ObjectStoreFailingWithAnError implements ObjectStore {
    private final ObjectStore store;
    private volatile boolean failing;

    ObjectStoreFailingWithAnError(ObjectStore store) {
      this.store = store;
    }

    void failReads() {
      failing = true;
    }

    void succeedReads() {
      failing = false;
    }

    private void failIfAsked() {
      if (failing) {
        throw new OutOfMemoryError("thrown by the test");
      }
    }

    @Override
    public void put(String key, Path file) throws IOException {
      store.put(key, file);
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      store.put(key, bytes);
    }

    @Override
    public java.io.InputStream get(String key) throws IOException {
      failIfAsked();
      return store.get(key);
    }

    @Override
    public byte[] getRange(String key, long offset, int length) throws IOException {
      failIfAsked();
      return store.getRange(key, offset, length);
    }

    @Override
    public long size(String key) throws IOException {
      return store.size(key);
    }

    @Override
    public List<dev.featurestore.core.objectstore.StoredObject> list(String prefix)
        throws IOException {
      return store.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
      store.delete(key);
    }

    @Override
    public void checkAvailable() throws IOException {
      store.checkAvailable();
    }

    @Override
    public String location() {
      return store.location();
    }
  }

  /**
   * A failure the listener does not expect is a 500 whose error id is also in the log line, as on
   * the main port. The failure is real: the lookup's JSON writer refuses the answer's nesting.
   */
  @Test
  void anUnexpectedFailureIsA500WhoseErrorIdTheLogCarries() throws Exception {
    JsonMapper refusesNesting =
        JsonMapper.builder(
                JsonFactory.builder()
                    .streamWriteConstraints(
                        StreamWriteConstraints.builder().maxNestingDepth(1).build())
                    .build())
            .build();
    OnlineListener failing =
        new OnlineListener(
            new OnlineFeatureLookup(
                indexes, refusesNesting, 5, lookup.metrics(), readAccess, classifiedLookupAudit),
            authenticator,
            json,
            0,
            1,
            connectionLimits);
    Logger log = (Logger) LoggerFactory.getLogger(UnexpectedFailure.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    failing.start();
    try {
      HttpResponse<String> answer =
          post(failing.port().orElseThrow(), "/get-online-features", ONE_ITEM);

      assertThat(answer.statusCode()).isEqualTo(500);
      JsonNode problem = json.readTree(answer.body());
      assertThat(problem.get("code").stringValue()).isEqualTo("INTERNAL_ERROR");
      String errorId = problem.get("errorId").stringValue();
      assertThat(errorId).isNotBlank();
      assertThat(problem.get("detail").stringValue()).contains(errorId);
      assertThat(logged.list)
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getFormattedMessage()).contains(errorId);
                assertThat(event.getThrowableProxy()).isNotNull();
              });
    } finally {
      failing.stop();
      log.detachAppender(logged);
    }
  }

  /**
   * A key not verified recently is looked up in Postgres off the event loop: while that lookup
   * waits on a lock, a request with a recently verified key on the same, single, loop is answered.
   */
  @Test
  void aSlowKeyCheckDoesNotHoldUpTheLookupsSharingItsEventLoop() throws Exception {
    OnlineListener oneLoop =
        new OnlineListener(lookup, authenticator, json, 0, 1, connectionLimits);
    oneLoop.start();
    try (Connection locker = dataSource.getConnection()) {
      int port = oneLoop.port().orElseThrow();
      assertThat(post(port, "/get-online-features", ONE_ITEM).statusCode()).isEqualTo(200);
      IssuedApiKey notYetVerified = apiKeys.issue("first lookup", Role.MODEL_SERVER);
      lockTheKeyTable(locker);
      CompletableFuture<HttpResponse<String>> checking =
          http.sendAsync(
              postAs(notYetVerified.secret(), port, "/get-online-features", ONE_ITEM),
              BodyHandlers.ofString());
      waitForASessionWaitingOnALock();

      assertThat(post(port, "/get-online-features", ONE_ITEM).statusCode()).isEqualTo(200);
      assertThat(checking).isNotDone();
      locker.rollback();
      assertThat(checking.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    } finally {
      oneLoop.stop();
    }
  }

  /**
   * Key checks run on few threads with a bounded queue: a stream of keys to check holds at most
   * that many database connections, and a request beyond the queue is refused at once.
   */
  @Test
  void keyChecksTakeFewConnectionsAndRefuseRequestsBeyondTheirQueue() throws Exception {
    Scheduler oneThreadOneWaiting = Schedulers.newBoundedElastic(1, 1, "test-key-check");
    OnlineListener oneLoop =
        new OnlineListener(
            lookup,
            new BearerKeyAuthenticator(
                new RecentlyVerifiedKeys(apiKeys, Duration.ofMinutes(1), Clock.systemUTC()),
                oneThreadOneWaiting),
            json,
            0,
            1,
            connectionLimits);
    oneLoop.start();
    try (Connection locker = dataSource.getConnection()) {
      int port = oneLoop.port().orElseThrow();
      lockTheKeyTable(locker);
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      answers.add(
          http.sendAsync(
              postAs("fs_unknown_0", port, "/get-online-features", ONE_ITEM),
              BodyHandlers.ofString()));
      waitForASessionWaitingOnALock();
      for (String secret : List.of("fs_unknown_1", "fs_unknown_2")) {
        answers.add(
            http.sendAsync(
                postAs(secret, port, "/get-online-features", ONE_ITEM), BodyHandlers.ofString()));
      }
      // One of the two waits in the queue, the other is refused while the first check still waits.
      HttpResponse<String> refused =
          (HttpResponse<String>)
              CompletableFuture.anyOf(answers.get(1), answers.get(2)).get(20, TimeUnit.SECONDS);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(json.readTree(refused.body()).get("code").stringValue()).isEqualTo("OVERLOADED");
      assertThat(sessionsWaitingOnALock()).isEqualTo(1);
      locker.rollback();
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        statuses.add(answer.get(20, TimeUnit.SECONDS).statusCode());
      }
      assertThat(statuses).containsExactlyInAnyOrder(401, 401, 503);
    } finally {
      oneLoop.stop();
      oneThreadOneWaiting.dispose();
    }
  }

  /** Holds the key table locked until the connection's transaction ends: key checks wait. */
  private static void lockTheKeyTable(Connection locker) throws Exception {
    locker.setAutoCommit(false);
    try (Statement lock = locker.createStatement()) {
      lock.execute("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE");
    }
  }

  private void waitForASessionWaitingOnALock() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (sessionsWaitingOnALock() == 0) {
      assertThat(System.nanoTime()).as("a key check waiting on the lock").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private long sessionsWaitingOnALock() throws Exception {
    try (Connection observer = dataSource.getConnection();
        Statement statement = observer.createStatement();
        ResultSet waiting =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE wait_event_type = 'Lock' AND datname = current_database()")) {
      waiting.next();
      return waiting.getLong(1);
    }
  }

  /** Commits through this server and waits until the replica applied the commit. */
  private boolean replicaCatchesUpWithin(OnlineIndexes replica, Duration limit) throws Exception {
    long sequence = commitViews(78L);
    long deadline = System.nanoTime() + limit.toNanos();
    while (replica.index("item_stats").orElseThrow().appliedSequence() < sequence) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Commits one row of item_stats through the server and returns its sequence. */
  private long commitViews(long item) throws Exception {
    HttpResponse<String> committed =
        post(
            mainPort,
            "/api/v1/feature-groups/item_stats/commits",
            "{\"rows\":[" + row(item, NOW.minusSeconds(1), "\"views\":" + item) + "]}");
    assertThat(committed.statusCode()).as(committed.body()).isEqualTo(201);
    return json.readTree(committed.body()).get("sequence").longValue();
  }

  @Test
  void aRestartServesTheSameAnswersFromTheStart() throws Exception {
    OnlineIndexes restarted = replicaIndexes(new OnlineMemoryBudget(1L << 30));
    restarted.start();
    try {
      OnlineFeatureLookup lookup =
          new OnlineFeatureLookup(
              restarted, json, 5, this.lookup.metrics(), readAccess, classifiedLookupAudit);
      String request =
          "{\"features\":[\"user_activity:clicks\",\"user_activity:country\"],"
              + "\"entities\":{\"user_id\":[\"u1\",\"u2\",\"u3\"]}}";
      var answer = new java.io.ByteArrayOutputStream();
      lookup.answer(
          apiKeys.verify(TestApiKeys.ADMIN_KEY).orElseThrow(),
          request.getBytes(StandardCharsets.UTF_8),
          answer);
      assertThat(answer.toString(StandardCharsets.UTF_8))
          .isEqualTo(post(onlinePort(), "/get-online-features", request).body());
    } finally {
      restarted.stop();
    }
  }

  @Test
  void aRebuildSwapsInAFreshIndexWithTheSameAnswersAndFreesTheOldOne() throws Exception {
    String request =
        "{\"features\":[\"user_activity:clicks\",\"user_activity:score\"],"
            + "\"entities\":{\"user_id\":[\"u1\",\"u2\",\"u3\",\"nobody\"]}}";
    String before = post(onlinePort(), "/get-online-features", request).body();
    LatestValueIndex old = indexes.index("user_activity").orElseThrow();
    long usedBefore = indexes.budget().usedBytes();

    indexes.rebuild("user_activity");

    assertThat(indexes.index("user_activity").orElseThrow()).isNotSameAs(old);
    assertThat(indexes.budget().usedBytes()).isEqualTo(usedBefore);
    assertThat(post(onlinePort(), "/get-online-features", request).body()).isEqualTo(before);
  }

  /**
   * The online flag can be changed after creation: marked online, a group's index loads from its
   * files before the change is acknowledged; unmarked, it is dropped. A group refused for the
   * budget is tried afresh once it has been unmarked and marked again.
   */
  @Test
  void aGroupCanBeMarkedOnlineAndBackLater() throws Exception {
    post(
        mainPort,
        "/api/v1/feature-groups",
        """
        {"name":"late_online","entity":"user_id","features":[{"name":"visits","type":"INT64"}]}
        """);
    commit("late_online", row("u1", NOW.minus(1, ChronoUnit.HOURS), "\"visits\":4"));
    String lookup = "{\"features\":[\"late_online:visits\"],\"entities\":{\"user_id\":[\"u1\"]}}";
    assertProblem(onlinePort(), lookup, "features[0]", "not marked online");

    HttpResponse<String> marked = patch("/api/v1/feature-groups/late_online", "{\"online\":true}");
    assertThat(marked.statusCode()).as(marked.body()).isEqualTo(200);
    assertThat(json.readTree(marked.body()).get("online").booleanValue()).isTrue();
    HttpResponse<String> answer = post(onlinePort(), "/get-online-features", lookup);
    assertThat(json.readTree(answer.body()).get("results").get(1).get("values").toString())
        .isEqualTo("[4]");

    OnlineIndexes tooSmall = replicaIndexes(new OnlineMemoryBudget(1));
    tooSmall.start();
    try {
      assertThat(tooSmall.refusals()).containsKey("late_online");
      assertThat(patch("/api/v1/feature-groups/late_online", "{\"online\":false}").statusCode())
          .isEqualTo(200);
      tooSmall.rebuild("late_online"); // what its next poll would do
      assertThat(tooSmall.refusals()).doesNotContainKey("late_online");
    } finally {
      tooSmall.stop();
    }
    assertProblem(onlinePort(), lookup, "features[0]", "not marked online");
    HttpResponse<String> nothing = patch("/api/v1/feature-groups/late_online", "{}");
    assertThat(nothing.statusCode()).isEqualTo(400);
    assertThat(nothing.body()).contains("\"field\":\"body\"");

    // Marked again: a new index serves the group, and the list resolved against the old one is not
    // reused.
    assertThat(patch("/api/v1/feature-groups/late_online", "{\"online\":true}").statusCode())
        .isEqualTo(200);
    answer = post(onlinePort(), "/get-online-features", lookup);
    assertThat(json.readTree(answer.body()).get("results").get(1).get("values").toString())
        .isEqualTo("[4]");
  }

  /** A resolved feature list is reused only for the same bytes, flag and entities. */
  @Test
  void aResolvedFeatureListServesOnlyRequestsItFits() throws Exception {
    String features = "\"features\":[\"item_stats:views\"]";
    String plain = "{" + features + ",\"entities\":{\"item_id\":[41]}}";
    String full = "{" + features + ",\"full_feature_names\":true,\"entities\":{\"item_id\":[41]}}";
    for (int round = 0; round < 2; round++) {
      assertThat(featureNames(plain)).isEqualTo("[\"item_id\",\"views\"]");
      assertThat(featureNames(full)).isEqualTo("[\"item_id\",\"item_stats__views\"]");
    }
    // An entity named like the feature: its output name clashes, although the list was resolved.
    assertProblem(
        onlinePort(),
        "{" + features + ",\"entities\":{\"item_id\":[41],\"views\":[1]}}",
        "features[0]",
        "clashes with an entity");
    // Keys of an entity no group needs are echoed as given.
    HttpResponse<String> echoed =
        post(
            onlinePort(),
            "/get-online-features",
            "{" + features + ",\"entities\":{\"item_id\":[41],\"session\":[{\"a\":1.5}]}}");
    assertThat(json.readTree(echoed.body()).get("results").get(1).get("values").toString())
        .isEqualTo("[{\"a\":1.5}]");
  }

  private String featureNames(String request) throws Exception {
    HttpResponse<String> response = post(onlinePort(), "/get-online-features", request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("metadata").get("feature_names").toString();
  }

  @Test
  void badRequestsAreProblemsNamingTheFieldOnBothPorts() throws Exception {
    for (int port : List.of(mainPort, onlinePort())) {
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1],\"item_id\":[2]}}",
          "entities.item_id",
          "is given twice");
      assertProblem(
          port,
          "{\"features\":[\"offline_only:clicks\"],\"entities\":{\"user_id\":[\"u1\"]}}",
          "features[0]",
          "not marked online");
      assertProblem(
          port,
          "{\"features\":[\"nope:clicks\"],\"entities\":{\"user_id\":[\"u1\"]}}",
          "features[0]",
          "does not exist");
      assertProblem(
          port,
          "{\"features\":[\"user_activity:clicks\",\"user_activity:nope\"],"
              + "\"entities\":{\"user_id\":[\"u1\"]}}",
          "features[1]",
          "has no feature 'nope'");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1,\"two\"]}}",
          "entities.item_id[1]",
          "64-bit integer");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1,2,3,4,5,6]}}",
          "entities.item_id",
          "at most 5");
      assertProblem(port, "{\"features\":", "body", "not valid JSON");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1]}} {}",
          "body",
          "not valid JSON");
      assertProblem(port, "[\"item_stats:views\"]", "body", "must be a JSON object");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"full_feature_names\":\"yes\","
              + "\"entities\":{\"item_id\":[1]}}",
          "full_feature_names",
          "true or false");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\", 7],\"entities\":{\"item_id\":[1]}}",
          "features[1]",
          "'group:feature'");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[1.0]}}",
          "entities.item_id[0]",
          "64-bit integer");
      assertProblem(
          port,
          "{\"features\":[\"item_stats:views\"],\"entities\":{\"user_id\":[\"u1\"]}}",
          "entities.item_id",
          "needs keys of entity 'item_id'");
    }
  }

  /** A body over the limit is refused, whether it announces its length or comes in chunks. */
  @Test
  void tooLargeRequestsAreRefusedOnBothPorts() throws Exception {
    byte[] large = new byte[OnlineFeatureLookup.MAX_BODY_BYTES + 1];
    java.util.Arrays.fill(large, (byte) ' ');
    for (int port : List.of(mainPort, onlinePort())) {
      for (HttpRequest.BodyPublisher body :
          List.of(
              HttpRequest.BodyPublishers.ofByteArray(large),
              // No length known in advance: sent chunked.
              HttpRequest.BodyPublishers.ofInputStream(
                  () -> new java.io.ByteArrayInputStream(large)))) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/get-online-features"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
                    .POST(body)
                    .build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).as("port %d", port).isEqualTo(413);
        assertThat(response.body()).contains("at most " + OnlineFeatureLookup.MAX_BODY_BYTES);
      }
    }
  }

  @Test
  void listsIndexesWithTheirMemoryCost() throws Exception {
    JsonNode listing = json.readTree(get(mainPort, "/api/v1/online-indexes").body());
    assertThat(listing.get("memoryBudgetBytes").longValue()).isEqualTo(1L << 30);
    assertThat(listing.get("indexes").toString()).contains("\"featureGroup\":\"user_activity\"");
    assertThat(get(onlinePort(), "/health").body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(get(mainPort, "/actuator/health").body())
        .contains("\"onlineIndexes\":{\"status\":\"UP\"}");
  }

  private void assertProblem(int port, String body, String field, String message) throws Exception {
    HttpResponse<String> response = post(port, "/api/v1/online-features", body);
    assertThat(response.statusCode()).as(body).isEqualTo(400);
    assertThat(response.headers().firstValue("Content-Type").orElseThrow())
        .isEqualTo("application/problem+json");
    JsonNode problem = json.readTree(response.body());
    assertThat(problem.get("errors").get(0).get("field").stringValue()).as(body).isEqualTo(field);
    assertThat(problem.get("errors").get(0).get("message").stringValue())
        .as(body)
        .contains(message);
  }

  private String views(long item) throws Exception {
    HttpResponse<String> response = post(onlinePort(), "/api/v1/online-features", itemViews(item));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("results").get(1).get("values").toString();
  }

  private static String itemViews(long item) {
    return "{\"features\":[\"item_stats:views\"],\"entities\":{\"item_id\":[" + item + "]}}";
  }

  /** Online indexes of another server on the same catalog and objects, polling once an hour. */
  private OnlineIndexes replicaIndexes(OnlineMemoryBudget budget) throws IOException {
    return replicaIndexes(budget, Duration.ofHours(1));
  }

  private OnlineIndexes replicaIndexes(OnlineMemoryBudget budget, Duration pollInterval)
      throws IOException {
    return replicaIndexes(budget, pollInterval, objectStore);
  }

  private OnlineIndexes replicaIndexes(
      OnlineMemoryBudget budget, Duration pollInterval, ObjectStore objects) throws IOException {
    return replicaIndexes(budget, pollInterval, objects, Long.MAX_VALUE);
  }

  private OnlineIndexes replicaIndexes(
      OnlineMemoryBudget budget, Duration pollInterval, ObjectStore objects, long memoryPerBuild)
      throws IOException {
    return new OnlineIndexes(
        catalog,
        new OnlineIndexLoader(
            catalog,
            new FeatureGroupReader(
                catalog,
                new ObjectCache(objects, dataDir.resolve("object-cache")),
                allocator,
                Executors.newVirtualThreadPerTaskExecutor()),
            allocator,
            memoryPerBuild),
        budget,
        allocator,
        Clock.systemUTC(),
        pollInterval,
        new OnlineIndexGauges(new SimpleMeterRegistry()),
        indexes.tombstones());
  }

  private int onlinePort() {
    return listener.port().orElseThrow();
  }

  private static String row(Object key, Instant eventTime, String features) {
    String keyJson = key instanceof String text ? "\"" + text + "\"" : key.toString();
    String entity = key instanceof String ? "user_id" : "item_id";
    return "{\"%s\":%s,\"event_time\":\"%s\",%s}".formatted(entity, keyJson, eventTime, features);
  }

  private void commit(String group, String... rows) throws IOException, InterruptedException {
    HttpResponse<String> response =
        post(
            mainPort,
            "/api/v1/feature-groups/" + group + "/commits",
            "{\"rows\":[" + String.join(",", rows) + "]}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
  }

  private HttpResponse<String> post(int port, String path, String body)
      throws IOException, InterruptedException {
    return http.send(postAs(TestApiKeys.ADMIN_KEY, port, path, body), BodyHandlers.ofString());
  }

  private static HttpRequest postAs(String apiKey, int port, String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + apiKey)
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> patch(String path, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + mainPort + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
            .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
            .build(),
        BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
            .GET()
            .build(),
        BodyHandlers.ofString());
  }
}
