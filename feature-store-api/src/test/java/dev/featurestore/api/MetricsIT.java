package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.online.OnlineListener;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The feature store's own metrics (docs/metrics.md), scraped from /actuator/prometheus after real
 * requests: each family shows what the requests did.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class MetricsIT {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.online-port", () -> "0");
    // So small that the training set's join is partitioned and spills.
    registry.add("feature-store.join.memory-budget", () -> "1B");
  }

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @Autowired TestRestTemplate anonymous;
  @Autowired OnlineListener listener;
  @Autowired ObjectStore objectStore;
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void everyFamilyCountsWhatRealRequestsDid() throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    JsonPosts.post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    JsonPosts.post(
        http,
        "/api/v1/feature-groups",
        """
        {"name":"clicks","entity":"user_id","ttl":"P1D","online":true,
         "features":[{"name":"clicks_7d","type":"INT64"}]}
        """);
    String rows =
        """
        {"rows":[
          {"user_id":"u1","event_time":"%s","clicks_7d":1},
          {"user_id":"u2","event_time":"%s","clicks_7d":2},
          {"user_id":"u3","event_time":"%s","clicks_7d":3}]}
        """
            .formatted(
                NOW.minus(Duration.ofHours(1)),
                NOW.minus(Duration.ofDays(10)),
                NOW.minus(Duration.ofHours(2)));
    ResponseEntity<String> commit =
        JsonPosts.post(http, "/api/v1/feature-groups/clicks/commits", rows);
    assertThat(commit.getStatusCode()).as(commit.getBody()).isEqualTo(HttpStatus.CREATED);
    int commitFiles = JsonPath.<List<?>>read(commit.getBody(), "$.files").size();

    String commits = "{format=\"JSON\",group=\"clicks\"";
    String prometheus = scrape();
    assertThat(
            value(
                prometheus,
                "feature_store_commits_seconds_count" + commits + ",outcome=\"committed\"}"))
        .isEqualTo(1);
    assertThat(value(prometheus, "feature_store_commit_rows_total" + commits + "}")).isEqualTo(3);
    assertThat(value(prometheus, "feature_store_commit_bytes_total" + commits + "}"))
        .isEqualTo(rows.getBytes(StandardCharsets.UTF_8).length);
    assertThat(value(prometheus, "feature_store_online_index_keys{group=\"clicks\"}")).isEqualTo(3);
    assertThat(value(prometheus, "feature_store_online_index_bytes{group=\"clicks\"}"))
        .isPositive();

    // u1 is fresh, u2 outside the TTL, u4 unknown: on each port, and once refused on the lean one.
    String lookup =
        "{\"features\":[\"clicks:clicks_7d\"],\"entities\":{\"user_id\":[\"u1\",\"u2\",\"u4\"]}}";
    assertThat(JsonPosts.post(http, "/api/v1/online-features", lookup).getStatusCode())
        .isEqualTo(HttpStatus.OK);
    assertThat(onlinePort(lookup, TestApiKeys.ADMIN_KEY)).isEqualTo(200);
    assertThat(onlinePort(lookup, "not-a-key")).isEqualTo(401);
    prometheus = scrape();
    assertThat(value(prometheus, lookups("main", 200, "_count"))).isEqualTo(1);
    assertThat(value(prometheus, lookups("online", 200, "_count"))).isEqualTo(1);
    assertThat(value(prometheus, lookups("online", 401, "_count"))).isEqualTo(1);
    assertThat(prometheus).contains("feature_store_online_lookups_seconds_bucket{port=\"online\"");
    assertThat(value(prometheus, values("PRESENT"))).isEqualTo(2);
    assertThat(value(prometheus, values("OUTSIDE_TTL"))).isEqualTo(2);
    assertThat(value(prometheus, values("NOT_FOUND"))).isEqualTo(2);
    assertThat(value(prometheus, values("NULL_VALUE"))).isEqualTo(0);

    ResponseEntity<String> trainingSet =
        JsonPosts.post(
            http,
            "/api/v1/training-sets",
            """
            {"name":"churn","spine":{"rows":[
              {"user_id":"u1","event_time":"%s","label":1},
              {"user_id":"u2","event_time":"%s","label":0}]},
             "features":["clicks:clicks_7d"]}
            """
                .formatted(NOW, NOW));
    assertThat(trainingSet.getStatusCode()).as(trainingSet.getBody()).isEqualTo(HttpStatus.CREATED);
    assertThat(
            http.getForEntity("/api/v1/lineage/entities/user_id/keys/u1", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.OK);
    ResponseEntity<String> erasure =
        JsonPosts.post(
            http,
            "/api/v1/erasures",
            "{\"entity\":\"user_id\",\"keys\":[\"u3\"],\"reason\":\"GDPR art. 17\"}");
    assertThat(erasure.getStatusCode()).as(erasure.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    awaitSucceeded(http, erasure.getHeaders().getLocation().getPath());
    prometheus = scrape();
    assertThat(
            value(
                prometheus,
                "feature_store_training_set_builds_seconds_count{mode=\"inline\",outcome=\"built\"}"))
        .isEqualTo(1);
    assertThat(value(prometheus, "feature_store_training_set_rows_sum")).isEqualTo(2);
    assertThat(value(prometheus, "feature_store_training_set_spilled_bytes_count")).isEqualTo(1);
    assertThat(value(prometheus, "feature_store_training_set_spilled_bytes_sum")).isPositive();
    assertThat(value(prometheus, "feature_store_jobs_queued")).isEqualTo(0);
    assertThat(value(prometheus, "feature_store_lineage_queries_seconds_count{query=\"key\"}"))
        .isEqualTo(1);
    assertThat(value(prometheus, "feature_store_erasures_total")).isEqualTo(1);
    assertThat(value(prometheus, "feature_store_erasure_rows_removed_total")).isEqualTo(1);
    assertThat(value(prometheus, "feature_store_erasure_files_rewritten_total"))
        .isEqualTo(commitFiles);
  }

  @Test
  void failuresOfThePortsAreCountedByOperationAndException() {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    String entity = "{\"name\":\"item_id\",\"keyType\":\"INT64\"}";
    JsonPosts.post(http, "/api/v1/entities", entity);
    assertThat(JsonPosts.post(http, "/api/v1/entities", entity).getStatusCode())
        .isEqualTo(HttpStatus.CONFLICT);
    assertThatThrownBy(() -> objectStore.get("no/such/object"))
        .isInstanceOf(NotFoundException.class);
    String prometheus = scrape();
    assertThat(
            value(
                prometheus,
                "feature_store_catalog_errors_total{exception=\"ConflictException\",operation=\"createEntity\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                prometheus,
                "feature_store_object_store_errors_total{exception=\"NotFoundException\",operation=\"get\"}"))
        .isEqualTo(1);
  }

  private String scrape() {
    return anonymous.getForObject("/actuator/prometheus", String.class);
  }

  private static String lookups(String port, int status, String suffix) {
    return "feature_store_online_lookups_seconds"
        + suffix
        + "{port=\""
        + port
        + "\",status=\""
        + status
        + "\"}";
  }

  private static String values(String status) {
    return "feature_store_online_values_total{group=\"clicks\",status=\"" + status + "\"}";
  }

  /** The value of the sample named exactly {@code series}, labels included. */
  private static double value(String prometheus, String series) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
            .matcher(prometheus);
    assertThat(matcher.find()).as(series + " in\n" + prometheus).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private int onlinePort(String body, String key) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + listener.port().orElseThrow()
                            + "/api/v1/online-features"))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            BodyHandlers.ofString())
        .statusCode();
  }

  private static void awaitSucceeded(TestRestTemplate http, String job)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String status = "PENDING";
    while (!status.equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      String answer = http.getForObject(job, String.class);
      status = JsonPath.read(answer, "$.status");
      assertThat(status).as(answer).isIn("PENDING", "RUNNING", "SUCCEEDED");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
  }
}
