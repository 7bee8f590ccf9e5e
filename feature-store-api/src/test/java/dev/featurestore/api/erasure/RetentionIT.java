package dev.featurestore.api.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.StoredRows;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The retention by age end to end, over Postgres and an S3 server: a group's rows older than its
 * {@code maxAge} are never served online, and a RETENTION job removes them from the stored Parquet
 * objects, with an ERASURE commit and a receipt.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class RetentionIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final String RECENT = NOW.minus(Duration.ofDays(30)).toString();
  private static final String OLD = NOW.minus(Duration.ofDays(3 * 365)).toString();
  private static Path dataDir;

  @DynamicPropertySource
  static void realDatabaseAndS3(DynamicPropertyRegistry registry) throws IOException {
    dataDir = Files.createTempDirectory("retention-it");
    TestCatalogs.useFreshCatalogOnS3(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired ObjectStore objects;
  @Autowired Catalog catalog;
  @Autowired FeatureGroupReader reader;
  @Autowired RetentionJobs retentionJobs;

  @Test
  void rowsOlderThanTheMaxAgeAreNeverServedAndThenRemovedFromTheStoredFiles() throws Exception {
    TestRestTemplate http = http();
    post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    ResponseEntity<String> created =
        post(
            http,
            "/api/v1/feature-groups",
            """
            {"name":"visits","entity":"user_id","online":true,"maxAge":"P1Y",
             "features":[{"name":"clicks","type":"INT64"}]}
            """);
    assertThat(JsonPath.<String>read(created.getBody(), "$.maxAge")).isEqualTo("P1Y");
    // The first file holds only rows past the age (it is emptied), the second both kinds.
    commit(http, row("u1", OLD, 1), row("u2", OLD, 2));
    commit(http, row("u1", RECENT, 3), row("u3", RECENT, 4), row("u4", OLD, 5));

    assertThat(online(http, "u1")).isEqualTo("PRESENT 3");
    assertThat(online(http, "u2")).isEqualTo("NOT_FOUND null");
    assertThat(online(http, "u4")).isEqualTo("NOT_FOUND null");

    // An engine loads the group through /iceberg: both of its snapshots name the first file.
    HttpHeaders engine = new HttpHeaders();
    engine.setBearerAuth(TestApiKeys.ADMIN_KEY);
    assertThat(
            anonymous
                .exchange(
                    "/iceberg/v1/namespaces/feature_groups/tables/visits",
                    HttpMethod.GET,
                    new HttpEntity<>(engine),
                    String.class)
                .getStatusCode()
                .value())
        .isEqualTo(200);

    List<Job> started = retentionJobs.startDue();

    assertThat(started).singleElement().extracting(Job::kind).isEqualTo(RetentionJobs.KIND);
    String receiptPath = awaitJob(http, started.get(0));
    Map<String, Object> receipt = JsonPath.read(get(http, receiptPath), "$");
    assertThat(receipt)
        .containsEntry("featureGroup", "visits")
        .containsEntry("filesRewritten", 2)
        .containsEntry("rowsRemoved", 3)
        .containsEntry("icebergSnapshotsExpired", 2)
        .containsEntry("icebergSnapshotsExpiredByTable", Map.of("feature_groups.visits", 2))
        .containsEntry("status", "SUCCEEDED");
    assertThat(receipt.get("completedAt")).isNotNull();
    Commit last = catalog.commits("visits").getLast();
    assertThat(last.kind()).isEqualTo(CommitKind.ERASURE);
    assertThat(last.rows()).isEqualTo(3);

    Path scratch = Files.createTempDirectory(dataDir, "scan");
    List<String> storedRows = new ArrayList<>();
    StoredRows.everyObject(objects, scratch)
        .forEach(
            (objectKey, rows) -> {
              if (objectKey.startsWith(ObjectLayout.featureGroup("visits"))) {
                storedRows.addAll(rows);
              }
            });
    assertThat(storedRows).hasSize(2);
    assertThat(storedRows).allMatch(row -> row.startsWith("u1,") || row.startsWith("u3,"));
    // Every version reads what it read before minus the old rows: the first commit reads none.
    Map<Long, List<String>> versions = StoredRows.everyVersion(catalog, reader, "visits");
    assertThat(versions.get(1L)).isEmpty();
    assertThat(versions.get(2L)).hasSize(2);

    assertThat(online(http, "u1")).isEqualTo("PRESENT 3");
    assertThat(online(http, "u2")).isEqualTo("NOT_FOUND null");
    assertThat(retentionJobs.startDue()).isEmpty();
  }

  @Test
  void aMaxAgeThatIsNoDurationIsRefusedByName() {
    TestRestTemplate http = http();
    post(http, "/api/v1/entities", "{\"name\":\"store_id\",\"keyType\":\"STRING\"}");
    ResponseEntity<String> refused =
        JsonPosts.post(
            http,
            "/api/v1/feature-groups",
            """
            {"name":"sales","entity":"store_id","maxAge":"two years",
             "features":[{"name":"amount","type":"FLOAT64"}]}
            """);
    assertField(refused, "maxAge");
    post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\"sales\",\"entity\":\"store_id\","
            + "\"features\":[{\"name\":\"amount\",\"type\":\"FLOAT64\"}]}");

    assertField(patch(http, "/api/v1/feature-groups/sales", "{\"maxAge\":\"-P1Y\"}"), "maxAge");
    ResponseEntity<String> changed =
        patch(http, "/api/v1/feature-groups/sales", "{\"maxAge\":\"P18M\"}");
    assertThat(changed.getStatusCode()).as(changed.getBody()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<String>read(changed.getBody(), "$.maxAge")).isEqualTo("P1Y6M");
    ResponseEntity<String> forever =
        patch(http, "/api/v1/feature-groups/sales", "{\"maxAge\":\"PT0S\"}");
    assertThat(forever.getBody()).doesNotContain("maxAge");
  }

  @Test
  void aTrainingSetOutputIsDeletedOnceItsOwnRetentionRanOutAndNeverServedAgain() throws Exception {
    TestRestTemplate http = http();
    post(http, "/api/v1/entities", "{\"name\":\"account_id\",\"keyType\":\"STRING\"}");
    post(
        http,
        "/api/v1/feature-groups",
        """
        {"name":"logins","entity":"account_id","features":[{"name":"count","type":"INT64"}]}
        """);
    post(
        http,
        "/api/v1/feature-groups/logins/commits",
        "{\"rows\":[{\"account_id\":\"a1\",\"event_time\":\"" + RECENT + "\",\"count\":7}]}");
    String spine =
        "\"spine\":{\"rows\":[{\"account_id\":\"a1\",\"event_time\":\""
            + NOW
            + "\"}]},"
            + "\"features\":[\"logins:count\"]";
    assertField(
        JsonPosts.post(
            http,
            "/api/v1/training-sets",
            "{\"name\":\"bad\",\"retention\":\"90 days\"," + spine + "}"),
        "retention");
    String expiring =
        post(
                http,
                "/api/v1/training-sets",
                "{\"name\":\"short\",\"retention\":\"P3M\"," + spine + "}")
            .getBody();
    String kept =
        post(http, "/api/v1/training-sets", "{\"name\":\"kept\"," + spine + "}").getBody();
    String id = JsonPath.read(expiring, "$.id");
    String keptId = JsonPath.read(kept, "$.id");
    Instant completedAt = Instant.parse(JsonPath.read(expiring, "$.completedAt"));
    Instant expiresAt = Instant.parse(JsonPath.read(expiring, "$.expiresAt"));
    assertThat(JsonPath.<String>read(expiring, "$.retention")).isEqualTo("P3M");
    // Three calendar months in UTC, as a group's maxAge counts them.
    assertThat(expiresAt).isEqualTo(completedAt.atOffset(ZoneOffset.UTC).plusMonths(3).toInstant());
    assertThat(kept).doesNotContain("expiresAt");
    assertThat(http.getForEntity(download(id), String.class).getStatusCode())
        .isEqualTo(HttpStatus.OK);

    assertThat(retentionJobs.expireTrainingSets(expiresAt.minusMillis(1))).isEmpty();
    assertThat(retentionJobs.expireTrainingSets(expiresAt)).containsExactly(UUID.fromString(id));
    assertThat(retentionJobs.expireTrainingSets(expiresAt)).as("expired once").isEmpty();

    String expired = get(http, "/api/v1/training-sets/" + id);
    assertThat(JsonPath.<String>read(expired, "$.status")).isEqualTo("EXPIRED");
    assertThat(Instant.parse(JsonPath.read(expired, "$.expiredAt"))).isEqualTo(expiresAt);
    assertThat(Instant.parse(JsonPath.read(expired, "$.outputDeletedAt"))).isEqualTo(expiresAt);
    ResponseEntity<String> refused = http.getForEntity(download(id), String.class);
    assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(HttpStatus.GONE);
    assertThat(JsonPath.<String>read(refused.getBody(), "$.code"))
        .isEqualTo("TRAINING_SET_EXPIRED");
    assertThat(JsonPath.<String>read(refused.getBody(), "$.trainingSet")).isEqualTo(id);
    assertThat(http.getForEntity(download(keptId), String.class).getStatusCode())
        .isEqualTo(HttpStatus.OK);
    List<String> outputs = new ArrayList<>();
    for (var object : objects.list(ObjectLayout.trainingSetOutput(UUID.fromString(id)))) {
      outputs.add(object.key());
    }
    assertThat(outputs).as("the expired output is deleted").isEmpty();
    assertThat(objects.size(ObjectLayout.trainingSetOutput(UUID.fromString(keptId)))).isPositive();

    String receipt = get(http, "/api/v1/audit?targetType=TRAINING_SET&target=" + id);
    assertThat(JsonPath.<List<String>>read(receipt, "$.entries[?(@.action == 'EXPIRE')].principal"))
        .containsExactly("retention");
    assertThat(
            JsonPath.<List<String>>read(
                receipt, "$.entries[?(@.action == 'EXPIRE')].details.retention"))
        .containsExactly("P3M");
    String lineage = get(http, "/api/v1/lineage/entities/account_id/keys/a1");
    assertThat(
            JsonPath.<List<String>>read(
                lineage, "$.trainingSets[?(@.id == '" + id + "')].expiredAt"))
        .containsExactly(expiresAt.toString());
    assertThat(
            JsonPath.<List<Object>>read(
                lineage, "$.trainingSets[?(@.id == '" + keptId + "')].expiredAt"))
        .isEmpty();

    // An erasure of a key the expired set held has no output left to rewrite there.
    String preview =
        post(http, "/api/v1/erasures/preview", "{\"entity\":\"account_id\",\"keys\":[\"a1\"]}")
            .getBody();
    assertThat(JsonPath.<List<String>>read(preview, "$.trainingSetsToRewrite[*].id"))
        .containsExactly(keptId);
    ResponseEntity<String> erasure =
        post(http, "/api/v1/erasures", "{\"entity\":\"account_id\",\"keys\":[\"a1\"]}");
    String erased = get(http, awaitJob(http, JsonPath.<String>read(erasure.getBody(), "$.jobId")));
    assertThat(JsonPath.<List<String>>read(erased, "$.unreadableObjects")).isEmpty();
    assertThat(JsonPath.<List<String>>read(erased, "$.trainingSetsAffected")).contains(keptId);
  }

  private static String download(String trainingSet) {
    return "/api/v1/training-sets/" + trainingSet + "/data?format=csv";
  }

  private TestRestTemplate http() {
    return TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
  }

  private static String row(String key, String eventTime, long clicks) {
    return "{\"user_id\":\""
        + key
        + "\",\"event_time\":\""
        + eventTime
        + "\",\"clicks\":"
        + clicks
        + "}";
  }

  private static void commit(TestRestTemplate http, String... rows) {
    post(
        http,
        "/api/v1/feature-groups/visits/commits",
        "{\"rows\":[" + String.join(",", rows) + "]}");
  }

  /** The status and value of {@code clicks} for the key. */
  private static String online(TestRestTemplate http, String key) {
    String answer =
        post(
                http,
                "/api/v1/online-features",
                "{\"features\":[\"visits:clicks\"],\"entities\":{\"user_id\":[\"" + key + "\"]}}")
            .getBody();
    return JsonPath.read(answer, "$.results[1].statuses[0]")
        + " "
        + JsonPath.read(answer, "$.results[1].values[0]");
  }

  /** Waits for the job to succeed; returns its result's path. */
  private static String awaitJob(TestRestTemplate http, Job job) throws InterruptedException {
    return awaitJob(http, job.id().toString());
  }

  private static String awaitJob(TestRestTemplate http, String jobId) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String answer = get(http, "/api/v1/jobs/" + jobId);
    while (!JsonPath.read(answer, "$.status").equals("SUCCEEDED")
        && Instant.now().isBefore(deadline)) {
      assertThat(JsonPath.<String>read(answer, "$.status")).as(answer).isIn("PENDING", "RUNNING");
      Thread.sleep(50);
      answer = get(http, "/api/v1/jobs/" + jobId);
    }
    assertThat(JsonPath.<String>read(answer, "$.status")).as(answer).isEqualTo("SUCCEEDED");
    return JsonPath.read(answer, "$.result");
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    ResponseEntity<String> response = JsonPosts.post(http, path, json);
    assertThat(response.getStatusCode().is2xxSuccessful()).as(response.getBody()).isTrue();
    return response;
  }

  private static ResponseEntity<String> patch(TestRestTemplate http, String path, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(path, HttpMethod.PATCH, new HttpEntity<>(json, headers), String.class);
  }

  private static String get(TestRestTemplate http, String path) {
    ResponseEntity<String> response = http.getForEntity(path, String.class);
    assertThat(response.getStatusCode())
        .as(path + ": " + response.getBody())
        .isEqualTo(HttpStatus.OK);
    return response.getBody();
  }

  private static void assertField(ResponseEntity<String> response, String field) {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field")).isEqualTo(field);
  }
}
