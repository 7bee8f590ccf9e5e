package dev.featurestore.api.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.testing.TestingSparkConnectServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.NotAuthorizedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.responses.ErrorResponse;
import org.apache.iceberg.rest.responses.ErrorResponseParser;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Iceberg's own REST client, pointed at /iceberg with an API key as its bearer token, lists and
 * loads our feature groups and training sets and scans their rows; writes are refused.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IcebergRestCatalogIT {
  private static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    dataDir = Files.createTempDirectory("iceberg-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @LocalServerPort int port;
  private RESTCatalog catalog;
  private String trainingSetId;

  @BeforeAll
  void defineAndCommit() {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\"activity\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}");
    post(
        http,
        "/api/v1/feature-groups/activity/commits",
        """
        {"rows":[{"user_id":"u1","event_time":"2026-02-01T00:00:00Z","clicks":1},
                 {"user_id":"u2","event_time":"2026-02-01T00:00:00Z","clicks":2}]}""");
    String trainingSet =
        post(
            http,
            "/api/v1/training-sets",
            """
            {"name":"clicks","spine":{"rows":[{"user_id":"u1","event_time":"2026-03-01T00:00:00Z"}]},
             "features":[{"feature":"activity:clicks"}]}""");
    // Listed like any group; its table needs a grant (aGroupWithPiiFeaturesNeedsAnOfflineGrant).
    post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\"profile\",\"entity\":\"user_id\",\"classification\":\"PII\","
            + "\"features\":[{\"name\":\"email\",\"type\":\"STRING\"}]}");
    trainingSetId = trainingSet.replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    catalog = connect(TestApiKeys.ADMIN_KEY);
  }

  @AfterAll
  void close() throws IOException {
    if (catalog != null) {
      catalog.close();
    }
  }

  private RESTCatalog connect(String key) {
    RESTCatalog client = new RESTCatalog();
    client.initialize(
        "feature_store",
        Map.of(
            "uri",
            "http://localhost:" + port + "/iceberg",
            "token",
            key,
            "io-impl",
            LocalFilesIO.class.getName()));
    return client;
  }

  private static String post(TestRestTemplate http, String path, String body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    var answer =
        http.exchange(path, HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    assertThat(answer.getStatusCode().is2xxSuccessful()).as(answer.getBody()).isTrue();
    return answer.getBody();
  }

  @Test
  void listsNamespacesAndTables() {
    assertThat(catalog.listNamespaces())
        .containsExactly(Namespace.of("feature_groups"), Namespace.of("training_sets"));
    assertThat(catalog.listTables(Namespace.of("feature_groups")))
        .containsExactlyInAnyOrder(
            TableIdentifier.of("feature_groups", "activity"),
            TableIdentifier.of("feature_groups", "profile"));
    // The admin sees every key's training sets (another test builds one of its own).
    assertThat(catalog.listTables(Namespace.of("training_sets")))
        .contains(TableIdentifier.of("training_sets", trainingSetId));
  }

  @Test
  void loadsAGroupAndScansItsRows() throws IOException {
    Table table = catalog.loadTable(TableIdentifier.of("feature_groups", "activity"));

    assertThat(table.schema().findField("clicks").type()).isEqualTo(Types.LongType.get());
    assertThat(rows(table, "clicks")).containsExactlyInAnyOrder("u1:1", "u2:2");
  }

  @Test
  void loadsATrainingSetAndScansItsRows() throws IOException {
    Table table = catalog.loadTable(TableIdentifier.of("training_sets", trainingSetId));

    // The spine's key and time, then the feature.
    List<Types.NestedField> columns = table.schema().columns();
    assertThat(rows(table, columns.getLast().name())).containsExactly("u1:1");
  }

  /** Spark (its Connect server, in its own JVM) attaches with a URL and a key, as scale.md says. */
  @Test
  void sparkReadsAGroupThroughTheCatalog() {
    List<List<String>> rows =
        TestingSparkConnectServer.instance()
            .sql(
                "SET spark.sql.catalog.fs=org.apache.iceberg.spark.SparkCatalog",
                "SET spark.sql.catalog.fs.type=rest",
                "SET spark.sql.catalog.fs.uri=http://localhost:" + port + "/iceberg",
                "SET spark.sql.catalog.fs.token=" + TestApiKeys.ADMIN_KEY,
                "SELECT user_id, clicks FROM fs.feature_groups.activity ORDER BY user_id");

    assertThat(rows).containsExactly(List.of("u1", "1"), List.of("u2", "2"));
  }

  @Test
  void anUnknownTableIsIcebergsNoSuchTable() {
    assertThatThrownBy(() -> catalog.loadTable(TableIdentifier.of("feature_groups", "missing")))
        .isInstanceOf(NoSuchTableException.class);
  }

  @Test
  void writesAreRefusedInIcebergsErrorModel() {
    // The client never tries: the config lists reads only.
    assertThatThrownBy(
            () ->
                catalog.createTable(
                    TableIdentifier.of("feature_groups", "new_group"),
                    new Schema(Types.NestedField.required(1, "id", Types.LongType.get()))))
        .isInstanceOf(UnsupportedOperationException.class);
    // A client that tries anyway is refused.
    HttpHeaders headers = new HttpHeaders();
    headers.setBearerAuth(TestApiKeys.ADMIN_KEY);
    headers.setContentType(MediaType.APPLICATION_JSON);
    var answer =
        anonymous.exchange(
            "/iceberg/v1/namespaces/feature_groups/tables",
            HttpMethod.POST,
            new HttpEntity<>("{\"name\":\"new_group\"}", headers),
            String.class);

    assertThat(answer.getStatusCode().value()).isEqualTo(403);
    ErrorResponse error = ErrorResponseParser.fromJson(answer.getBody());
    assertThat(error.type()).isEqualTo("ForbiddenException");
    assertThat(error.message()).contains("read-only");
  }

  @Test
  void aGroupWithPiiFeaturesNeedsAnOfflineGrant() {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    assertThatThrownBy(() -> catalog.loadTable(TableIdentifier.of("feature_groups", "profile")))
        .isInstanceOf(ForbiddenException.class)
        .hasMessageContaining("profile:email (PII)");

    String currentKey = http.getForObject("/api/v1/api-keys/current", String.class);
    String adminKeyId = currentKey.replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    post(
        http,
        "/api/v1/grants",
        "{\"apiKeyId\":\"" + adminKeyId + "\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}");
    assertThat(
            catalog
                .loadTable(TableIdentifier.of("feature_groups", "profile"))
                .schema()
                .findField("email"))
        .isNotNull();
  }

  /**
   * An erasure expires the snapshots an engine could time-travel to that named the file it rewrote,
   * and its receipt counts them per table; the snapshots before that file stay.
   */
  @Test
  void anErasureExpiresTheSnapshotsNamingTheRewrittenFileAndItsReceiptCountsThem()
      throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    TableIdentifier activity = TableIdentifier.of("feature_groups", "activity");
    // u9 is erased at the end: the group's rows are as the other tests expect them afterwards.
    post(
        http,
        "/api/v1/feature-groups/activity/commits",
        "{\"rows\":[{\"user_id\":\"u9\",\"event_time\":\"2026-02-02T00:00:00Z\",\"clicks\":9}]}");
    Table before = catalog.loadTable(activity);
    List<String> holding = files(before, before.currentSnapshot());
    for (Snapshot snapshot : before.snapshots()) {
      if (snapshot.snapshotId() != before.currentSnapshot().snapshotId()) {
        holding.removeAll(files(before, snapshot));
      }
    }
    assertThat(holding).hasSize(1);
    List<Long> naming = new ArrayList<>();
    List<Long> notNaming = new ArrayList<>();
    for (Snapshot snapshot : before.snapshots()) {
      (files(before, snapshot).contains(holding.get(0)) ? naming : notNaming)
          .add(snapshot.snapshotId());
    }

    String accepted =
        post(
            http,
            "/api/v1/erasures",
            "{\"entity\":\"user_id\",\"keys\":[\"u9\"],\"reason\":\"iceberg\"}");
    String erasure = JsonPath.read(accepted, "$.id");
    String receipt = awaitReceipt(http, erasure);

    assertThat(((Number) JsonPath.read(receipt, "$.icebergSnapshotsExpired")).longValue())
        .isEqualTo(naming.size());
    assertThat((Map<String, Object>) JsonPath.read(receipt, "$.icebergSnapshotsExpiredByTable"))
        .containsExactly(Map.entry("feature_groups.activity", naming.size()));
    List<Long> after = new ArrayList<>();
    catalog.loadTable(activity).snapshots().forEach(snapshot -> after.add(snapshot.snapshotId()));
    assertThat(after).doesNotContainAnyElementsOf(naming).containsAll(notNaming);
    assertThat(rows(catalog.loadTable(activity), "clicks"))
        .containsExactlyInAnyOrder("u1:1", "u2:2");
  }

  private static String awaitReceipt(TestRestTemplate http, String erasure)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String receipt = http.getForObject("/api/v1/erasures/" + erasure, String.class);
    while (List.of("PENDING", "RUNNING").contains(JsonPath.<String>read(receipt, "$.status"))
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      receipt = http.getForObject("/api/v1/erasures/" + erasure, String.class);
    }
    assertThat((String) JsonPath.read(receipt, "$.status")).as(receipt).isEqualTo("SUCCEEDED");
    return receipt;
  }

  private static List<String> files(Table table, Snapshot snapshot) throws IOException {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    return files;
  }

  /**
   * A training set's table holds its features' values: through /iceberg as through a download,
   * reading one that holds a PII feature needs an OFFLINE grant for PII, as grants are now.
   */
  @Test
  void aTrainingSetTableHoldingPiiNeedsTheGrantItsDownloadNeeds() throws IOException {
    TestRestTemplate admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post(
        admin,
        "/api/v1/feature-groups/profile/commits",
        """
        {"rows":[{"user_id":"u1","event_time":"2026-02-01T00:00:00Z","email":"u1@example.com"}]}""");
    String scientist = issueKey(admin, "iceberg-scientist", "DATA_SCIENTIST");
    String officer = issueKey(admin, "iceberg-officer", "COMPLIANCE");
    post(
        admin,
        "/api/v1/grants",
        "{\"apiKeyId\":\""
            + JsonPath.read(scientist, "$.id")
            + "\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}");
    String built =
        post(
            TestApiKeys.as(anonymous, JsonPath.read(scientist, "$.key")),
            "/api/v1/training-sets",
            """
            {"name":"emails","spine":{"rows":[{"user_id":"u1","event_time":"2026-03-01T00:00:00Z"}]},
             "features":["profile:email"]}""");
    TableIdentifier emails = TableIdentifier.of("training_sets", JsonPath.read(built, "$.id"));

    // The scientist holds the grant; the officer sees every key's sets, but holds none.
    try (RESTCatalog granted = connect(JsonPath.read(scientist, "$.key"))) {
      assertThat(rows(granted.loadTable(emails), "email")).containsExactly("u1:u1@example.com");
    }
    try (RESTCatalog notGranted = connect(JsonPath.read(officer, "$.key"))) {
      assertThatThrownBy(() -> notGranted.loadTable(emails))
          .isInstanceOf(ForbiddenException.class)
          .hasMessageContaining("profile:email (PII)");
    }
    assertThat(
            TestApiKeys.as(anonymous, JsonPath.read(officer, "$.key"))
                .getForEntity(
                    "/api/v1/training-sets/" + emails.name() + "/data?format=json", String.class)
                .getStatusCode()
                .value())
        .isEqualTo(403);
  }

  private static String issueKey(TestRestTemplate admin, String name, String role) {
    return post(admin, "/api/v1/api-keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
  }

  @Test
  void anUnknownKeyIsNotAuthorized() {
    assertThatThrownBy(() -> connect("not-a-key").listNamespaces())
        .isInstanceOf(NotAuthorizedException.class);
  }

  private static List<String> rows(Table table, String feature) throws IOException {
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.add(record.getField("user_id") + ":" + record.getField(feature));
      }
    }
    return rows;
  }
}
