package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.testing.UploadBodies;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A commit whose rows need more Arrow memory than {@code feature-store.memory.per-request} allows
 * is the server's overload, answered 503 with a retry hint, not the body's fault (400); nothing of
 * it is stored.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {TestApiKeys.ADMIN_KEY_PROPERTY, "feature-store.memory.per-request=256KB"})
@AutoConfigureTestRestTemplate
class CommitMemoryLimitIT {
  private static final String GROUP = "comments";

  @TempDir static Path dataDir;
  @TempDir Path folder;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired Catalog catalog;
  @Autowired ObjectStore objects;

  @Test
  void anArrowStreamBeyondTheRequestsMemoryIsAnOverloadNotABadBody() throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    JsonPosts.post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    JsonPosts.post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\""
            + GROUP
            + "\",\"entity\":\"user_id\",\"features\":[{\"name\":\"comment\",\"type\":\"STRING\"}]}");
    Path body =
        UploadBodies.arrowStream(
            "SELECT 'u' || i AS user_id,"
                + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_seconds(i) AS event_time,"
                + " repeat('z', 2000) AS comment FROM range(900) t(i)",
            folder.resolve("rows.arrows"));
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.CONTENT_TYPE, "application/vnd.apache.arrow.stream");

    ResponseEntity<String> refused =
        http.exchange(
            "/api/v1/feature-groups/" + GROUP + "/commits",
            HttpMethod.POST,
            new HttpEntity<>(Files.readAllBytes(body), headers),
            String.class);

    assertThat(refused.getStatusCode().value()).isEqualTo(503);
    assertThat(refused.getBody()).contains("\"code\":\"OVERLOADED\"");
    assertThat(refused.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();
    assertThat(catalog.commits(GROUP)).isEmpty();
    assertThat(objects.list(ObjectLayout.featureGroup(GROUP))).isEmpty();
  }
}
