package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With a short retention the server deletes the files a compaction replaced: a training set as of a
 * version before the compaction is then refused with a 410 naming {@code asOf}, while training sets
 * built on that version earlier stay downloadable, byte for byte.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      TestApiKeys.ADMIN_KEY_PROPERTY,
      "feature-store.retention.replaced-files=PT1S",
      "feature-store.orphan-sweep-interval=PT0.5S"
    })
@AutoConfigureTestRestTemplate
class ReplacedFileRetentionIT {
  private static final String GROUP = "retained";
  private static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    dataDir = Files.createTempDirectory("retention-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;

  @Test
  void versionsBeforeAnExpiredCompactionAreGoneButTheirTrainingSetsStay() throws Exception {
    TestRestTemplate http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    JsonPosts.defineClicksGroup(http, GROUP);
    String firstCommit =
        JsonPath.read(
            post(http, commits(), rows("2026-03-01T00:00:00Z", 1)).getBody(), "$.commitId");
    post(http, commits(), rows("2026-03-02T00:00:00Z", 2));
    String asOfFirstCommit = trainingSet(",\"asOf\":\"" + firstCommit + "\"");
    ResponseEntity<String> built = post(http, "/api/v1/training-sets", asOfFirstCommit);
    String trainingSetId = JsonPath.read(built.getBody(), "$.id");
    byte[] output = download(http, trainingSetId);
    List<String> replaced = storedKeys();
    assertThat(replaced).hasSize(2);

    post(http, "/api/v1/feature-groups/" + GROUP + "/compactions", "{}");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    while (storedKeys().stream().anyMatch(replaced::contains) && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(storedKeys()).hasSize(1).doesNotContainAnyElementsOf(replaced);

    ResponseEntity<String> again = send(http, "/api/v1/training-sets", asOfFirstCommit);
    assertThat(again.getStatusCode()).isEqualTo(HttpStatus.GONE);
    assertThat(again.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(JsonPath.<String>read(again.getBody(), "$.code")).isEqualTo("VERSION_EXPIRED");
    assertThat(JsonPath.<String>read(again.getBody(), "$.errors[0].field")).isEqualTo("asOf");
    assertThat(JsonPath.<String>read(again.getBody(), "$.errors[0].message"))
        .contains("feature-store.retention.replaced-files", "oldest version still readable");

    assertThat(download(http, trainingSetId)).isEqualTo(output);
    ResponseEntity<String> latest = post(http, "/api/v1/training-sets", trainingSet(""));
    assertThat(JsonPath.<String>read(latest.getBody(), "$.status")).isEqualTo("READY");
  }

  private static String commits() {
    return "/api/v1/feature-groups/" + GROUP + "/commits";
  }

  private static String rows(String eventTime, int clicks) {
    return "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\""
        + eventTime
        + "\",\"clicks_7d\":"
        + clicks
        + "}]}";
  }

  /** An inline training set over the group, with {@code extraFields} such as an asOf. */
  private static String trainingSet(String extraFields) {
    return "{\"name\":\"retention\",\"spine\":{\"rows\":["
        + "{\"user_id\":\"u1\",\"event_time\":\"2026-03-05T00:00:00Z\"}]},"
        + "\"features\":[\""
        + GROUP
        + ":clicks_7d\"]"
        + extraFields
        + "}";
  }

  private static List<String> storedKeys() throws IOException {
    return new LocalDiskObjectStore(dataDir.resolve("objects"))
        .list(ObjectLayout.featureGroup(GROUP)).stream().map(StoredObject::key).toList();
  }

  private static byte[] download(TestRestTemplate http, String id) {
    ResponseEntity<byte[]> response =
        http.getForEntity("/api/v1/training-sets/" + id + "/data?format=parquet", byte[].class);
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
    return response.getBody();
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    ResponseEntity<String> response = send(http, path, json);
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.CREATED);
    return response;
  }

  private static ResponseEntity<String> send(TestRestTemplate http, String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
