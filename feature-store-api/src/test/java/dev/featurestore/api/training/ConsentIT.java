package dev.featurestore.api.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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
 * Purpose and consent over REST: consent events committed to {@code user_id_consent} like any
 * feature group decide which spine rows a training set with a purpose joins, and lineage.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentIT {
  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalog(registry, Files.createTempDirectory("consent-it"));
  }

  @Autowired TestRestTemplate anonymous;
  private TestRestTemplate http;

  /**
   * u1 granted marketing on 03-01; u2 granted on 03-01 and withdrew on 03-03; u3 granted only
   * analytics; u4 has no consent event. Everyone has clicks from 02-01.
   */
  @BeforeAll
  void commitFeaturesAndConsent() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"user_activity","entity":"user_id","features":[{"name":"clicks","type":"INT64"}]}
        """);
    post(
        "/api/v1/feature-groups",
        """
        {"name":"user_id_consent","entity":"user_id",
         "features":[{"name":"purpose","type":"STRING"},{"name":"granted","type":"BOOL"}]}
        """);
    post(
        "/api/v1/feature-groups/user_activity/commits",
        """
        {"rows":[
          {"user_id":"u1","event_time":"2026-02-01T00:00:00Z","clicks":1},
          {"user_id":"u2","event_time":"2026-02-01T00:00:00Z","clicks":2},
          {"user_id":"u3","event_time":"2026-02-01T00:00:00Z","clicks":3},
          {"user_id":"u4","event_time":"2026-02-01T00:00:00Z","clicks":4}]}
        """);
    ResponseEntity<String> consent =
        post(
            "/api/v1/feature-groups/user_id_consent/commits",
            """
            {"rows":[
              {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","purpose":"marketing","granted":true},
              {"user_id":"u2","event_time":"2026-03-01T00:00:00Z","purpose":"marketing","granted":true},
              {"user_id":"u2","event_time":"2026-03-03T00:00:00Z","purpose":"marketing","granted":false},
              {"user_id":"u3","event_time":"2026-03-01T00:00:00Z","purpose":"analytics","granted":true}]}
            """);
    assertThat(consent.getStatusCode()).isEqualTo(HttpStatus.CREATED);
  }

  @Test
  void rowsWithoutConsentAreLeftOutOfTheOutputAndOfLineage() {
    ResponseEntity<String> created =
        post("/api/v1/training-sets", request("marketing_excluded", ",\"purpose\":\"marketing\""));
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    String id = JsonPath.read(created.getBody(), "$.id");
    assertThat(JsonPath.<Integer>read(created.getBody(), "$.rows")).isEqualTo(2);
    assertThat(JsonPath.<Integer>read(created.getBody(), "$.rowsWithoutConsent")).isEqualTo(3);
    assertThat(JsonPath.<Integer>read(created.getBody(), "$.catalogVersion.user_id_consent"))
        .isEqualTo(1);

    // u2 on 03-02 (before withdrawing) and u1: every other row lacked consent at its time.
    List<Map<String, Object>> rows = JsonPath.read(download(id), "$.rows");
    assertThat(rows).extracting(row -> row.get("user_id")).containsExactly("u1", "u2");
    assertThat(rows).extracting(row -> row.get("clicks")).containsExactly(1, 2);

    assertThat(trainingSetsUsing("u1")).contains(id);
    assertThat(trainingSetsUsing("u2")).contains(id);
    assertThat(trainingSetsUsing("u3")).doesNotContain(id);
    assertThat(trainingSetsUsing("u4")).doesNotContain(id);
  }

  @Test
  void nullFeaturesKeepsEveryRowAndNullsTheFeaturesOfThoseWithoutConsent() {
    ResponseEntity<String> created =
        post(
            "/api/v1/training-sets",
            request(
                "marketing_nulled",
                ",\"purpose\":\"marketing\",\"consentPolicy\":\"NULL_FEATURES\""));
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    String id = JsonPath.read(created.getBody(), "$.id");
    assertThat(JsonPath.<Integer>read(created.getBody(), "$.rows")).isEqualTo(5);
    assertThat(JsonPath.<Integer>read(created.getBody(), "$.rowsWithoutConsent")).isEqualTo(3);

    List<Map<String, Object>> rows = JsonPath.read(download(id), "$.rows");
    assertThat(rows).extracting(row -> row.get("clicks")).containsExactly(1, 2, null, null, null);
    // u4 stays in the output's spine column, so lineage keeps it as spine, never as features.
    assertThat(
            JsonPath.<List<String>>read(
                lineage("u4"), "$.trainingSets[?(@.id=='" + id + "')].usedAs[*]"))
        .containsExactly("SPINE");
  }

  @Test
  void consentRequestsOfTheWrongShapeNameTheField() {
    assertField(request("bad", ",\"consentPolicy\":\"NULL_FEATURES\""), "consentPolicy");
    assertField(
        request("bad", ",\"purpose\":\"marketing\",\"consentPolicy\":\"MAYBE\""), "consentPolicy");
    assertField(request("bad", ",\"purpose\":\"Not A Purpose\""), "purpose");
    assertField(request("bad", ",\"purpose\":7"), "purpose");
  }

  /**
   * u1 on 03-05; u2 on 03-02 (consenting) and 03-05 (withdrawn); u3 (other purpose) and u4 (no
   * event) on 03-05.
   */
  private static String request(String name, String extra) {
    return """
        {"name":"%s","spine":{"rows":[
          {"user_id":"u1","event_time":"2026-03-05T00:00:00Z"},
          {"user_id":"u2","event_time":"2026-03-02T00:00:00Z"},
          {"user_id":"u2","event_time":"2026-03-05T00:00:00Z"},
          {"user_id":"u3","event_time":"2026-03-05T00:00:00Z"},
          {"user_id":"u4","event_time":"2026-03-05T00:00:00Z"}]},
         "features":["user_activity:clicks"]%s}
        """
        .formatted(name, extra);
  }

  private void assertField(String body, String field) {
    ResponseEntity<String> response = post("/api/v1/training-sets", body);
    assertThat(response.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field"))
        .as(response.getBody())
        .isEqualTo(field);
  }

  private List<String> trainingSetsUsing(String key) {
    return JsonPath.read(lineage(key), "$.trainingSets[*].id");
  }

  private String lineage(String key) {
    return http.getForEntity("/api/v1/lineage/entities/user_id/keys/" + key, String.class)
        .getBody();
  }

  private String download(String id) {
    return http.getForEntity("/api/v1/training-sets/" + id + "/data?format=json", String.class)
        .getBody();
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
