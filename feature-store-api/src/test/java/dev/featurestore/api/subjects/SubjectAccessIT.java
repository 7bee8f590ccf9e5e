package dev.featurestore.api.subjects;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Subject access over Postgres and an S3 server: the bundle of a key held in two groups, two
 * versions each, holds exactly its rows, the training set and model that used it, and the audit
 * entries naming it; only compliance (and the administrator) may ask.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class SubjectAccessIT {
  @DynamicPropertySource
  static void realDatabaseAndS3(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalogOnS3(registry, Files.createTempDirectory("subject-access-it"));
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired Catalog catalog;

  @Test
  void theBundleHoldsExactlyTheKeysRowsLineageAndAudit() throws IOException {
    TestRestTemplate admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    TestRestTemplate compliance = TestApiKeys.as(anonymous, issue(admin, "dpo", "COMPLIANCE"));
    TestRestTemplate scientist =
        TestApiKeys.as(anonymous, issue(admin, "analyst", "DATA_SCIENTIST"));
    post(admin, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        admin,
        "/api/v1/feature-groups",
        "{\"name\":\"activity\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}");
    post(
        admin,
        "/api/v1/feature-groups",
        "{\"name\":\"profile\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"country\",\"type\":\"STRING\"}]}");
    commit(
        admin,
        "activity",
        row("u2", "2026-01-01T00:00:00Z", "\"clicks\":5"),
        row("u1", "2026-01-01T00:00:00Z", "\"clicks\":1"));
    commit(admin, "activity", row("u1", "2026-02-01T00:00:00Z", "\"clicks\":2"));
    commit(admin, "profile", row("u1", "2026-01-01T00:00:00Z", "\"country\":\"NL\""));
    commit(admin, "profile", row("u1", "2026-03-01T00:00:00Z", "\"country\":\"DE\""));
    String trainingSet =
        JsonPath.read(
            post(
                    admin,
                    "/api/v1/training-sets",
                    "{\"name\":\"churn_set\",\"spine\":{\"rows\":[{\"user_id\":\"u1\","
                        + "\"event_time\":\"2026-02-15T00:00:00Z\"}]},"
                        + "\"features\":[\"activity:clicks\"]}")
                .getBody(),
            "$.id");
    post(
        admin,
        "/api/v1/models",
        "{\"name\":\"churn\",\"version\":\"1\",\"trainingSets\":[\"" + trainingSet + "\"]}");
    assertThat(
            compliance
                .getForEntity("/api/v1/lineage/entities/user_id/keys/u1", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.OK);

    ResponseEntity<byte[]> answer =
        compliance.getForEntity("/api/v1/subjects/user_id/u1", byte[].class);

    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(answer.getHeaders().getContentType()).hasToString("application/zip");
    assertThat(answer.getHeaders().getFirst(HttpHeaders.CONTENT_DISPOSITION))
        .isEqualTo("attachment; filename=\"subject-user_id.zip\"");
    Map<String, String> bundle = unzip(answer.getBody());
    assertThat(bundle.keySet())
        .containsExactly(
            "feature-groups/activity.jsonl",
            "feature-groups/profile.jsonl",
            "lineage.json",
            "audit.jsonl",
            "manifest.json");
    List<Commit> activity = catalog.commits("activity");
    List<Commit> profile = catalog.commits("profile");
    assertThat(bundle.get("feature-groups/activity.jsonl"))
        .isEqualTo(
            storedRow("2026-01-01T00:00:00Z", activity.get(0), 1, "\"clicks\":1")
                + storedRow("2026-02-01T00:00:00Z", activity.get(1), 0, "\"clicks\":2"));
    assertThat(bundle.get("feature-groups/profile.jsonl"))
        .isEqualTo(
            storedRow("2026-01-01T00:00:00Z", profile.get(0), 0, "\"country\":\"NL\"")
                + storedRow("2026-03-01T00:00:00Z", profile.get(1), 0, "\"country\":\"DE\""));
    String lineage = bundle.get("lineage.json");
    assertThat(JsonPath.<List<String>>read(lineage, "$.trainingSets[*].id"))
        .containsExactly(trainingSet);
    assertThat(JsonPath.<List<Map<String, String>>>read(lineage, "$.models"))
        .containsExactly(Map.of("name", "churn", "version", "1"));
    List<String> audit = bundle.get("audit.jsonl").lines().toList();
    assertThat(audit).hasSize(2);
    assertThat(audit)
        .extracting(entry -> JsonPath.<String>read(entry, "$.event.action"))
        .containsExactly("SUBJECT_ACCESS", "LINEAGE_QUERY");
    assertThat(audit)
        .extracting(entry -> JsonPath.<String>read(entry, "$.event.principal"))
        .containsOnly("dpo");
    String manifest = bundle.get("manifest.json");
    assertThat(JsonPath.<List<Integer>>read(manifest, "$.featureGroups[*].rows"))
        .containsExactly(2, 2);
    assertThat(JsonPath.<List<Integer>>read(manifest, "$.featureGroups[*].latestSequence"))
        .containsExactly(2, 2);
    assertThat(JsonPath.<Integer>read(manifest, "$.trainingSets")).isEqualTo(1);
    assertThat(JsonPath.<Integer>read(manifest, "$.models")).isEqualTo(1);
    assertThat(JsonPath.<Integer>read(manifest, "$.auditEntries")).isEqualTo(2);

    assertThat(scientist.getForEntity("/api/v1/subjects/user_id/u1", String.class).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  /** One line of a group's file: the key's row as stored, with the commit that added it. */
  private static String storedRow(String eventTime, Commit commit, int ordinal, String feature) {
    return "{\"user_id\":\"u1\",\"event_time\":\""
        + eventTime
        + "\",\""
        + StoredRowSchema.COMMIT_SEQUENCE
        + "\":"
        + commit.sequence()
        + ",\""
        + StoredRowSchema.WRITE_TIME
        + "\":\""
        + commit.writeTime()
        + "\",\""
        + StoredRowSchema.ROW_ORDINAL
        + "\":"
        + ordinal
        + ","
        + feature
        + "}\n";
  }

  private static Map<String, String> unzip(byte[] zip) throws IOException {
    Map<String, String> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        entries.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return entries;
  }

  private static String issue(TestRestTemplate admin, String name, String role) {
    return JsonPath.read(
        post(admin, "/api/v1/api-keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}")
            .getBody(),
        "$.key");
  }

  private static String row(String key, String eventTime, String feature) {
    return "{\"user_id\":\"" + key + "\",\"event_time\":\"" + eventTime + "\"," + feature + "}";
  }

  private static void commit(TestRestTemplate http, String group, String... rows) {
    post(
        http,
        "/api/v1/feature-groups/" + group + "/commits",
        "{\"rows\":[" + String.join(",", rows) + "]}");
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    ResponseEntity<String> response = JsonPosts.post(http, path, json);
    assertThat(response.getStatusCode().is2xxSuccessful()).as(response.getBody()).isTrue();
    return response;
  }
}
