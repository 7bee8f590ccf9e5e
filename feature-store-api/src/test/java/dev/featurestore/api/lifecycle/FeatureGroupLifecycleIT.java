package dev.featurestore.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.testing.TestingS3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Archiving and deleting feature groups end to end, on Postgres and an S3 object store: an archived
 * group refuses commits, a deletion is refused while training sets and models depend on the group,
 * and a forced one removes every object of every version and names what to rebuild and retrain.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FeatureGroupLifecycleIT {
  @DynamicPropertySource
  static void realStores(DynamicPropertyRegistry registry) throws IOException {
    Path dataDir = Files.createTempDirectory("group-lifecycle-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
    TestingS3Server s3 = TestingS3Server.instance();
    String bucket = s3.createBucket();
    registry.add("feature-store.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("feature-store.s3.bucket", () -> bucket);
    registry.add("feature-store.s3.region", s3::region);
    registry.add("feature-store.s3.access-key", s3::accessKey);
    registry.add("feature-store.s3.secret-key", s3::secretKey);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired ObjectStore objects;
  private TestRestTemplate admin;
  private TestRestTemplate scientist;

  @BeforeAll
  void defineEntity() {
    admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    expect(
        HttpStatus.CREATED,
        post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"));
    ResponseEntity<String> issued =
        post("/api/v1/api-keys", "{\"name\":\"scientist\",\"role\":\"DATA_SCIENTIST\"}");
    scientist = TestApiKeys.as(anonymous, JsonPath.read(issued.getBody(), "$.key"));
  }

  @Test
  void anArchivedGroupRefusesCommitsAndIsListedOnlyOnRequest() {
    define("frozen", false);
    commit("frozen", "u1");

    ResponseEntity<String> archived =
        JsonPosts.post(scientist, "/api/v1/feature-groups/frozen/archive", "");
    expect(HttpStatus.OK, archived);
    assertThat((String) JsonPath.read(archived.getBody(), "$.archivedAt")).isNotNull();

    ResponseEntity<String> refused = commitAnswer("frozen", "u2");
    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat((String) JsonPath.read(refused.getBody(), "$.detail"))
        .contains("'frozen' is archived")
        .contains("POST /api/v1/feature-groups/frozen/unarchive");
    assertThat((String) JsonPath.read(refused.getBody(), "$.featureGroup")).isEqualTo("frozen");
    assertThat(groupNames("/api/v1/feature-groups")).doesNotContain("frozen");
    assertThat(groupNames("/api/v1/feature-groups?includeArchived=true")).contains("frozen");
    // Still readable.
    expect(HttpStatus.OK, admin.getForEntity("/api/v1/feature-groups/frozen", String.class));

    expect(HttpStatus.OK, JsonPosts.post(scientist, "/api/v1/feature-groups/frozen/unarchive", ""));
    commit("frozen", "u2");
    assertThat(groupNames("/api/v1/feature-groups")).contains("frozen");
  }

  @Test
  void deletionIsRefusedWhileUsedAndForcedDeletionRemovesEveryObjectOfEveryVersion()
      throws Exception {
    define("doomed", true);
    commit("doomed", "u1");
    commit("doomed", "u2");
    // The compaction's rewrite and the two files it replaced, kept for the older versions.
    expect(HttpStatus.CREATED, post("/api/v1/feature-groups/doomed/compactions", "{}"));
    assertThat(objectsOf("doomed")).hasSize(3);
    ResponseEntity<String> built =
        post(
            "/api/v1/training-sets",
            """
            {"name":"churn_training","features":["doomed:clicks"],
             "spine":{"rows":[{"user_id":"u1","event_time":"2026-03-05T00:00:00Z"}]}}""");
    expect(HttpStatus.CREATED, built);
    String trainingSet = JsonPath.read(built.getBody(), "$.id");
    expect(
        HttpStatus.CREATED,
        post(
            "/api/v1/models",
            "{\"name\":\"churn\",\"version\":\"1\",\"trainingSets\":[\"" + trainingSet + "\"]}"));

    ResponseEntity<String> refused = delete(admin, "/api/v1/feature-groups/doomed");
    assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(JsonPath.<List<String>>read(refused.getBody(), "$.trainingSets[*].id"))
        .containsExactly(trainingSet);
    assertThat(JsonPath.<List<String>>read(refused.getBody(), "$.trainingSets[*].name"))
        .containsExactly("churn_training");
    assertThat(JsonPath.<List<String>>read(refused.getBody(), "$.models[*].name"))
        .containsExactly("churn");
    assertThat(objectsOf("doomed")).hasSize(3);
    // Deleting is the administrator's: another role is answered as if the path did not exist.
    assertThat(delete(scientist, "/api/v1/feature-groups/doomed?force=true").getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);

    ResponseEntity<String> accepted = delete(admin, "/api/v1/feature-groups/doomed?force=true");
    expect(HttpStatus.ACCEPTED, accepted);
    awaitJob(accepted.getHeaders().getLocation().getPath());
    String receipt =
        admin
            .getForEntity(
                "/api/v1/feature-group-deletions/" + JsonPath.read(accepted.getBody(), "$.id"),
                String.class)
            .getBody();

    assertThat(objectsOf("doomed")).isEmpty();
    assertThat(JsonPath.<Integer>read(receipt, "$.objectsDeleted")).isEqualTo(3);
    assertThat(JsonPath.<List<String>>read(receipt, "$.trainingSetsToRebuild[*].id"))
        .containsExactly(trainingSet);
    assertThat(JsonPath.<List<String>>read(receipt, "$.modelsToRetrain[*].name"))
        .containsExactly("churn");
    assertThat(JsonPath.<List<String>>read(receipt, "$.modelsToRetrain[*].version"))
        .containsExactly("1");
    assertThat((String) JsonPath.read(receipt, "$.completedAt")).isNotNull();
    assertThat(admin.getForEntity("/api/v1/feature-groups/doomed", String.class).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
    // The training set already built stays, and the name may be given to a new group.
    expect(HttpStatus.OK, admin.getForEntity("/api/v1/training-sets/" + trainingSet, String.class));
    define("doomed", false);
    commit("doomed", "u3");
    assertThat(objectsOf("doomed")).hasSize(1);
  }

  private List<String> objectsOf(String group) throws IOException {
    return objects.list(ObjectLayout.featureGroup(group)).stream()
        .map(stored -> stored.key())
        .toList();
  }

  private void awaitJob(String path) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String status = "PENDING";
    while (!status.equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      String job = admin.getForEntity(path, String.class).getBody();
      status = JsonPath.read(job, "$.status");
      assertThat(status).as(job).isIn("PENDING", "RUNNING", "SUCCEEDED");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
  }

  private List<String> groupNames(String path) {
    return JsonPath.read(admin.getForEntity(path, String.class).getBody(), "$[*].name");
  }

  private void define(String name, boolean online) {
    expect(
        HttpStatus.CREATED,
        post(
            "/api/v1/feature-groups",
            "{\"name\":\""
                + name
                + "\",\"entity\":\"user_id\",\"online\":"
                + online
                + ",\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}"));
  }

  private void commit(String group, String key) {
    expect(HttpStatus.CREATED, commitAnswer(group, key));
  }

  private ResponseEntity<String> commitAnswer(String group, String key) {
    return post(
        "/api/v1/feature-groups/" + group + "/commits",
        "{\"rows\":[{\"user_id\":\""
            + key
            + "\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks\":1}]}");
  }

  private static ResponseEntity<String> delete(TestRestTemplate http, String path) {
    return http.exchange(path, HttpMethod.DELETE, null, String.class);
  }

  private static void expect(HttpStatus status, ResponseEntity<String> answer) {
    assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(status);
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(admin, path, json);
  }
}
