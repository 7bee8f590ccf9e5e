package dev.featurestore.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Errors that name the fix: what a newcomer gets wrong first (a field the endpoint does not take, a
 * quoted number, broken JSON, a misspelt name, a group not marked online, a TTL in the wrong
 * notation) is a 400 problem naming the field and saying what to send instead.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {TestApiKeys.ADMIN_KEY_PROPERTY, "feature-store.online-port=-1"})
@AutoConfigureTestRestTemplate
class RequestErrorsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String ROW = "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"";

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  TestRestTemplate http;

  /**
   * The same definitions for every test; the first test to run makes them (201), later ones find
   * them (409).
   */
  @BeforeEach
  void defineGroups() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    assertThat(
            post(
                    "/api/v1/feature-groups",
                    "{\"name\":\"user_activity\",\"entity\":\"user_id\",\"features\":["
                        + "{\"name\":\"clicks_7d\",\"type\":\"INT32\"},"
                        + "{\"name\":\"ratio\",\"type\":\"FLOAT32\"},"
                        + "{\"name\":\"embedding\",\"type\":\"FLOAT32_VECTOR\",\"dimension\":2}]}")
                .getStatusCode()
                .value())
        .isIn(201, 409);
  }

  @Test
  void aFieldTheRequestDoesNotTakeIsRefusedByName() {
    assertProblem(
        post(
            "/api/v1/feature-groups",
            "{\"name\":\"tagged\",\"entity\":\"user_id\",\"steward\":\"a\",\"features\":[]}"),
        "steward",
        "is not a field of this request; its fields are classification, description, entity, erasedKeys,"
            + " features, maxAge, name, online, owner, tags, ttl");
    assertProblem(
        post(
            "/api/v1/feature-groups",
            "{\"name\":\"described\",\"entity\":\"user_id\",\"features\":["
                + "{\"name\":\"f\",\"type\":\"INT64\",\"unit\":\"d\"}]}"),
        "features[0].unit",
        "its fields are classification, description, dimension, name, type");
    assertThat(http.getForEntity("/api/v1/feature-groups/tagged", String.class).getStatusCode())
        .isEqualTo(org.springframework.http.HttpStatus.NOT_FOUND);
  }

  @Test
  void aFieldATrainingSetRequestDoesNotTakeIsRefusedByName() {
    assertProblem(
        post(
            "/api/v1/training-sets",
            "{\"features\":[\"user_activity:clicks_7d\"],\"label\":\"churned\","
                + "\"spine\":{\"rows\":[]}}"),
        "label",
        "its fields are name, features, spine, asOf");
    assertProblem(
        post(
            "/api/v1/training-sets",
            "{\"features\":[\"user_activity:clicks_7d\"],\"spine\":{\"group\":\"user_activity\"}}"),
        "spine.group",
        "its fields are rows, featureGroup, upload");
    assertProblem(
        post(
            "/api/v1/training-sets",
            "{\"features\":[{\"feature\":\"user_activity:clicks_7d\",\"alias\":\"c\"}],"
                + "\"spine\":{\"rows\":["
                + ROW
                + "}]}}"),
        "features[0].alias",
        "its fields are feature, as");
  }

  @Test
  void aQuotedNumberIsNotTakenForANumber() {
    assertProblem(
        post(
            "/api/v1/feature-groups",
            "{\"name\":\"vectors\",\"entity\":\"user_id\",\"features\":["
                + "{\"name\":\"v\",\"type\":\"FLOAT32_VECTOR\",\"dimension\":\"30\"}]}"),
        "features[0].dimension",
        "must be an integer");
    assertProblem(
        commit("{\"rows\":[" + ROW + ",\"clicks_7d\":\"30\"}]}"),
        "rows[0].clicks_7d",
        "expected a number, got a string; send the value without quotes");
    assertProblem(
        commit("{\"rows\":[" + ROW + ",\"ratio\":\"0.5\"}]}"),
        "rows[0].ratio",
        "send the value without quotes");
  }

  /** JSON has no number for NaN: the export writes the string "NaN", and a commit takes it back. */
  @Test
  void nanInAJsonVectorIsSpeltAsTheExportWritesIt() {
    ResponseEntity<String> committed =
        commit("{\"rows\":[" + ROW + ",\"embedding\":[\"NaN\",1.5],\"ratio\":\"-Infinity\"}]}");

    assertThat(committed.getStatusCode().value()).as(committed.getBody()).isEqualTo(201);
    assertProblem(
        commit("{\"rows\":[" + ROW + ",\"embedding\":[\"one\",1.5]}]}"),
        "rows[0].embedding",
        "vector elements must be numbers, or \"NaN\", \"Infinity\" or \"-Infinity\"");
  }

  @Test
  void malformedJsonIsAnsweredWithLineAndColumn() {
    assertProblem(
        post("/api/v1/entities", "{\n  \"name\": \"item_id\",\n  \"keyType\": STRING\n}"),
        "body",
        "is not valid JSON at line 3, column 14");
  }

  @Test
  void aMisspeltGroupOrFeatureGetsTheClosestNameAndTheGroupsFeatures() {
    assertProblem(
        trainingSet("\"user_activty:clicks_7d\""),
        "features[0]",
        "feature group 'user_activty' does not exist; did you mean 'user_activity'?");
    assertProblem(
        trainingSet("\"user_activity:clicks\""),
        "features[0]",
        "feature group 'user_activity' has no feature 'clicks'; did you mean 'clicks_7d'?;"
            + " its features: clicks_7d, ratio, embedding");
    ResponseEntity<String> commit =
        JsonPosts.post(http, "/api/v1/feature-groups/user_activty/commits", "{\"rows\":[]}");
    assertThat(commit.getStatusCode().value()).isEqualTo(404);
    assertThat(detail(commit)).contains("did you mean 'user_activity'?");
  }

  @Test
  void aGroupNotMarkedOnlineSaysHowToMarkIt() {
    assertProblem(
        post(
            "/api/v1/online-features",
            "{\"features\":[\"user_activity:clicks_7d\"],\"entities\":{\"user_id\":[\"u1\"]}}"),
        "features[0]",
        "mark it with PATCH /api/v1/feature-groups/user_activity and the body {\"online\":true}");
  }

  @Test
  void aTtlInAnotherNotationGetsTheIsoExample() {
    assertProblem(
        post(
            "/api/v1/feature-groups",
            "{\"name\":\"short_lived\",\"entity\":\"user_id\",\"ttl\":\"30d\",\"features\":[]}"),
        "ttl",
        "such as P30D");
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(http, path, json);
  }

  private ResponseEntity<String> commit(String json) {
    return post("/api/v1/feature-groups/user_activity/commits", json);
  }

  private ResponseEntity<String> trainingSet(String feature) {
    return post(
        "/api/v1/training-sets",
        "{\"name\":\"churn\",\"features\":[" + feature + "],\"spine\":{\"rows\":[" + ROW + "}]}}");
  }

  private static void assertProblem(
      ResponseEntity<String> response, String field, String messagePart) {
    assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    JsonNode error = JSON.readTree(response.getBody()).get("errors").get(0);
    assertThat(error.get("field").asString()).as(response.getBody()).isEqualTo(field);
    assertThat(error.get("message").asString()).as(response.getBody()).contains(messagePart);
  }

  private static String detail(ResponseEntity<String> response) {
    return JSON.readTree(response.getBody()).get("detail").asString();
  }
}
