package dev.featurestore.api.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.jobs.Jobs;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Erased keys stay erased, over HTTP against real Postgres: commits holding one are refused or lose
 * those rows, online lookups do not find it, a compliance officer can let it back, and the
 * catalog's records name it only by keyed digest.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TombstonesIT {
  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("tombstones-it"));
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired DataSource dataSource;
  @Autowired Jobs jobs;
  @Autowired ErasureLedger erasures;
  @Autowired ApplicationEventPublisher events;
  private TestRestTemplate admin;
  private TestRestTemplate compliance;

  @BeforeAll
  void defineGroups() {
    admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    ResponseEntity<String> issued =
        post(admin, "/api/v1/api-keys", "{\"name\":\"officer\",\"role\":\"COMPLIANCE\"}");
    compliance = TestApiKeys.as(anonymous, JsonPath.read(issued.getBody(), "$.key"));
    post(admin, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    for (String group : List.of("activity", "tolerant")) {
      post(
          admin,
          "/api/v1/feature-groups",
          "{\"name\":\""
              + group
              + "\",\"entity\":\"user_id\",\"online\":true,"
              + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}");
    }
  }

  @Test
  void aCommitHoldingAnErasedKeyIsRefusedNamingTheRowsNotTheKey() throws Exception {
    commit("activity", "refused-1", "kept-1");
    erase("refused-1");

    for (ResponseEntity<String> refused :
        List.of(
            commitResponse("activity", "kept-1", "refused-1"),
            send(
                "/api/v1/feature-groups/activity/commits",
                "text/csv",
                "user_id,event_time,clicks\nkept-1,2026-03-02T00:00:00Z,1\n"
                    + "refused-1,2026-03-02T00:00:00Z,2\n"))) {
      assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(HttpStatus.CONFLICT);
      assertThat(JsonPath.<String>read(refused.getBody(), "$.code")).isEqualTo("ERASED_KEY");
      assertThat(JsonPath.<String>read(refused.getBody(), "$.errors[0].field"))
          .isEqualTo("rows[1]");
      assertThat(refused.getBody()).doesNotContain("refused-1");
    }
  }

  @Test
  void underDropTheErasedRowsAreLeftOutAndCounted() throws Exception {
    erase("dropped-1");
    ResponseEntity<String> changed =
        send(
            admin,
            HttpMethod.PATCH,
            "/api/v1/feature-groups/tolerant",
            "{\"erasedKeys\":\"DROP\"}");
    assertThat(changed.getStatusCode()).as(changed.getBody()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<String>read(changed.getBody(), "$.erasedKeys")).isEqualTo("DROP");

    ResponseEntity<String> committed = commitResponse("tolerant", "dropped-1", "fine-1");

    assertThat(committed.getStatusCode()).as(committed.getBody()).isEqualTo(HttpStatus.CREATED);
    assertThat(JsonPath.<Integer>read(committed.getBody(), "$.rows")).isEqualTo(1);
    assertThat(JsonPath.<Integer>read(committed.getBody(), "$.droppedErasedRows")).isEqualTo(1);
    assertThat(online("tolerant", "dropped-1")).isEqualTo("NOT_FOUND");
    assertThat(online("tolerant", "fine-1")).isEqualTo("PRESENT");
  }

  @Test
  void onlineLookupsDoNotServeAKeyOnceItHasATombstone() {
    commit("activity", "online-1");
    // Asked for more than once, a one-key answer is kept formatted (KeyAnswerCache).
    for (int i = 0; i < 3; i++) {
      assertThat(online("activity", "online-1")).isEqualTo("PRESENT");
    }

    // An erasure requested and not yet run: its rows are still in the index, its tombstone laid.
    UUID erasure = UUID.randomUUID();
    jobs.create(erasure, "ERASURE", "/api/v1/erasures/" + erasure, 0, null);
    erasures.create(erasure, "user_id", List.of("online-1"), "test", "compliance");
    events.publishEvent(new TombstonesChanged());

    assertThat(online("activity", "online-1")).isEqualTo("NOT_FOUND");
  }

  @Test
  void aComplianceOfficerLiftsATombstoneAndTheKeyMayComeBackAudited() throws Exception {
    erase("back-1");
    assertThat(commitResponse("activity", "back-1").getStatusCode()).isEqualTo(HttpStatus.CONFLICT);

    ResponseEntity<String> lifted =
        send(compliance, HttpMethod.DELETE, "/api/v1/tombstones/user_id/back-1", null);

    assertThat(lifted.getStatusCode()).as(lifted.getBody()).isEqualTo(HttpStatus.OK);
    assertThat(lifted.getBody()).doesNotContain("back-1");
    commit("activity", "back-1");
    assertThat(online("activity", "back-1")).isEqualTo("PRESENT");
    assertThat(send(compliance, HttpMethod.DELETE, "/api/v1/tombstones/user_id/back-1", null))
        .extracting(ResponseEntity::getStatusCode)
        .isEqualTo(HttpStatus.NOT_FOUND);
    String audit =
        get(
            "/api/v1/audit?entity=user_id&key=back-1&targetType=ENTITY_KEY&target="
                + JsonPath.read(lifted.getBody(), "$.keyDigest"));
    assertThat(JsonPath.<List<String>>read(audit, "$.entries[*].action"))
        .containsExactly("LIFT_TOMBSTONE");
    assertThat(JsonPath.<String>read(audit, "$.entries[0].principal")).isEqualTo("officer");
  }

  @Test
  void theErasureRecordsAndTheAuditLogHoldNoKeyInClear() throws Exception {
    commit("activity", "private-person-7");
    get("/api/v1/lineage/entities/user_id/keys/private-person-7"); // a lineage query is audited too
    erase("private-person-7");

    JdbcTemplate sql = new JdbcTemplate(dataSource);
    for (String table : List.of("erasures", "erased_keys", "key_tombstones", "audit_log", "jobs")) {
      assertThat(
              sql.queryForObject(
                  "SELECT count(*) FROM " + table + " t WHERE t::text LIKE '%private-person-7%'",
                  Long.class))
          .as(table)
          .isZero();
    }
    assertThat(
            JsonPath.<List<Object>>read(
                get("/api/v1/audit?entity=user_id&key=private-person-7"), "$.entries"))
        .as("found by digesting the key asked for")
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void theReceiptShowsTheKeyOnlyInTheAnswerToTheRequest() throws Exception {
    ResponseEntity<String> accepted = requestErasure("receipt-1");

    assertThat(JsonPath.<List<String>>read(accepted.getBody(), "$.keys"))
        .containsExactly("receipt-1");
    String digest = JsonPath.<List<String>>read(accepted.getBody(), "$.keyDigests").get(0);
    awaitJob(accepted.getHeaders().getLocation().getPath());
    String receipt = get("/api/v1/erasures/" + JsonPath.read(accepted.getBody(), "$.id"));
    assertThat(receipt).doesNotContain("receipt-1");
    assertThat(JsonPath.<List<String>>read(receipt, "$.keyDigests")).containsExactly(digest);
  }

  private void erase(String key) throws InterruptedException {
    ResponseEntity<String> accepted = requestErasure(key);
    awaitJob(accepted.getHeaders().getLocation().getPath());
  }

  private ResponseEntity<String> requestErasure(String key) {
    ResponseEntity<String> accepted =
        post(
            compliance,
            "/api/v1/erasures",
            "{\"entity\":\"user_id\",\"keys\":[\"" + key + "\"],\"reason\":\"GDPR art. 17\"}");
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    return accepted;
  }

  private void awaitJob(String path) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String status = "PENDING";
    while (!status.equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      status = JsonPath.read(get(path), "$.status");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
  }

  private void commit(String group, String... keys) {
    ResponseEntity<String> created = commitResponse(group, keys);
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
  }

  private ResponseEntity<String> commitResponse(String group, String... keys) {
    StringBuilder rows = new StringBuilder();
    for (String key : keys) {
      rows.append(rows.isEmpty() ? "" : ",")
          .append("{\"user_id\":\"")
          .append(key)
          .append("\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks\":1}");
    }
    return post(admin, "/api/v1/feature-groups/" + group + "/commits", "{\"rows\":[" + rows + "]}");
  }

  private String online(String group, String key) {
    String answer =
        post(
                admin,
                "/api/v1/online-features",
                "{\"features\":[\""
                    + group
                    + ":clicks\"],\"entities\":{\"user_id\":[\""
                    + key
                    + "\"]}}")
            .getBody();
    return JsonPath.read(answer, "$.results[1].statuses[0]");
  }

  private String get(String path) {
    ResponseEntity<String> response = admin.getForEntity(path, String.class);
    assertThat(response.getStatusCode())
        .as(path + ": " + response.getBody())
        .isEqualTo(HttpStatus.OK);
    return response.getBody();
  }

  private ResponseEntity<String> send(String path, String contentType, String body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.parseMediaType(contentType));
    return admin.exchange(path, HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
  }

  private static ResponseEntity<String> send(
      TestRestTemplate http, HttpMethod method, String path, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(path, method, new HttpEntity<>(json, headers), String.class);
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
