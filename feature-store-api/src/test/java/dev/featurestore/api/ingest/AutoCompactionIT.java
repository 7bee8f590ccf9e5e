package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Commits through the server trigger a background compaction once small files add up. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {TestApiKeys.ADMIN_KEY_PROPERTY, "feature-store.compaction.small-files=3"})
@AutoConfigureTestRestTemplate
class AutoCompactionIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;

  @Test
  void aGroupIsCompactedInTheBackgroundOnceCommitsLeaveEnoughSmallFiles() throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post(http, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        http,
        "/api/v1/feature-groups",
        "{\"name\":\"clicks\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}");
    for (String user : List.of("u1", "u2", "u3")) {
      ResponseEntity<String> committed =
          post(
              http,
              "/api/v1/feature-groups/clicks/commits",
              "{\"rows\":[{\"user_id\":\"%s\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}"
                  .formatted(user));
      assertThat(committed.getStatusCode().value()).as(committed.getBody()).isEqualTo(201);
    }

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> kinds = kinds(http);
    while (kinds.size() < 4 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      kinds = kinds(http);
    }
    // Two files were too few; the third made one compaction of all three.
    assertThat(kinds).containsExactly("APPEND", "APPEND", "APPEND", "COMPACTION");
    JsonNode group =
        JSON.readTree(http.getForObject("/api/v1/feature-groups/clicks", String.class));
    assertThat(group.get("files").asLong()).isEqualTo(1);
    assertThat(group.get("rows").asLong()).isEqualTo(3);
  }

  private static List<String> kinds(TestRestTemplate http) {
    List<String> kinds = new ArrayList<>();
    JSON.readTree(http.getForObject("/api/v1/feature-groups/clicks/commits", String.class))
        .forEach(commit -> kinds.add(commit.get("kind").asString()));
    return kinds;
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
