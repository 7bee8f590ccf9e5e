package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.testing.CommitCutProxy;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server's catalog connection pool reaches Postgres through a TCP fault proxy that cuts every
 * connection while an append's COMMIT is on its way (see {@link CommitCutProxy}). Postgres commits;
 * the server cannot know, answers 503 {@code COMMIT_STATE_UNKNOWN}, and a retry with the same
 * Idempotency-Key answers the commit Postgres made instead of committing the rows twice.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      TestApiKeys.ADMIN_KEY_PROPERTY,
      // Few connections for the cut to break: the change listener's and one for requests.
      "spring.datasource.hikari.maximum-pool-size=2"
    })
@AutoConfigureTestRestTemplate
class CommitConnectionCutIT {
  private static final String GROUP = "cut_clicks";

  @TempDir static Path dataDir;
  static CommitCutProxy proxy;

  @DynamicPropertySource
  static void catalogBehindAFaultProxy(DynamicPropertyRegistry registry) throws IOException {
    TestingPostgres.TestDatabase database = TestCatalogs.sharedPostgres().createDatabase();
    proxy = CommitCutProxy.start(database);
    registry.add("spring.datasource.url", proxy::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add("spring.datasource.password", database::password);
    // Migrations connect directly: Flyway holds two connections, more than the pool has.
    registry.add("spring.flyway.url", database::jdbcUrl);
    registry.add("spring.flyway.user", database::user);
    registry.add("spring.flyway.password", database::password);
    registry.add("feature-store.data-dir", dataDir::toString);
    registry.add("feature-store.online-port", () -> "0");
  }

  @AfterAll
  static void closeProxy() {
    proxy.close();
  }

  @Autowired TestRestTemplate anonymous;
  @LocalServerPort int port;

  @Test
  void commitCutInItsCommitIsUnknownAndARetryWithItsKeyAnswersTheCommitMade() throws Exception {
    proxy.installGate();
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    JsonPosts.defineClicksGroup(http, GROUP);
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> acknowledged = commit(client, "first", "u1").get();
      assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(201);

      CompletableFuture<HttpResponse<String>> cut;
      try (CommitCutProxy.Gate gate = proxy.holdGate()) {
        cut = commit(client, CommitCutProxy.GATED_PREFIX + "second", "u2");
        gate.awaitWaitingCommit();
        gate.cutConnections();
      }
      HttpResponse<String> unknown = cut.get(60, TimeUnit.SECONDS);
      assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(503);
      assertThat(unknown.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(JsonPath.<String>read(unknown.body(), "$.code")).isEqualTo("COMMIT_STATE_UNKNOWN");
      assertThat(JsonPath.<String>read(unknown.body(), "$.detail"))
          .contains("retrying with the same Idempotency-Key is safe");

      // The cut broke the pool's other connection too: a request that draws it is answered
      // CATALOG_UNAVAILABLE and evicts it, as a client retrying after a 503 would see.
      HttpResponse<String> retried =
          commit(client, CommitCutProxy.GATED_PREFIX + "second", "u2").get();
      for (int attempt = 1; attempt <= 2 && retried.statusCode() == 503; attempt++) {
        assertThat(JsonPath.<String>read(retried.body(), "$.code"))
            .isEqualTo("CATALOG_UNAVAILABLE");
        retried = commit(client, CommitCutProxy.GATED_PREFIX + "second", "u2").get();
      }
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
      String commits =
          http.getForObject("/api/v1/feature-groups/" + GROUP + "/commits", String.class);
      assertThat(JsonPath.<List<String>>read(commits, "$[*].id"))
          .as("the retry answers the commit Postgres made; it commits nothing twice")
          .containsExactly(
              JsonPath.<String>read(acknowledged.body(), "$.commitId"),
              JsonPath.<String>read(retried.body(), "$.commitId"));
      assertThat(JsonPath.<List<Integer>>read(commits, "$[*].rows")).containsExactly(1, 1);
    }
  }

  private CompletableFuture<HttpResponse<String>> commit(
      HttpClient client, String idempotencyKey, String key) {
    String body =
        "{\"rows\":[{\"user_id\":\""
            + key
            + "\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}";
    return client.sendAsync(
        HttpRequest.newBuilder(
                URI.create(
                    "http://localhost:" + port + "/api/v1/feature-groups/" + GROUP + "/commits"))
            .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
