package dev.featurestore.api.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Writes leave audit entries, which compliance staff filter and page; no feature value stays. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class AuditIT {
  private static final String SECRET_VALUE = "value-that-must-not-be-audited";

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired DataSource dataSource;

  private TestRestTemplate admin;
  private TestRestTemplate scientist;
  private TestRestTemplate compliance;
  private String scientistKeyId;
  private static Instant started;
  private static boolean written;

  @BeforeEach
  void writeAsADataScientist() {
    admin = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    compliance = TestApiKeys.as(anonymous, issue("auditor", "COMPLIANCE").get("key"));
    Map<String, String> scientistKey = issue("scientist", "DATA_SCIENTIST");
    scientist = TestApiKeys.as(anonymous, scientistKey.get("key"));
    scientistKeyId = scientistKey.get("id");
    if (written) {
      return;
    }
    written = true;
    started = Instant.now();
    post(scientist, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        scientist,
        "/api/v1/feature-groups",
        """
        {"name":"user_profile","entity":"user_id",
         "features":[{"name":"country","type":"STRING"},{"name":"clicks","type":"INT64"}]}
        """);
    ResponseEntity<String> commit =
        post(
            scientist,
            "/api/v1/feature-groups/user_profile/commits",
            """
            {"rows":[{"user_id":"u123","event_time":"2026-01-01T00:00:00Z",
                      "country":"%s","clicks":987654321},
                     {"user_id":"u456","event_time":"2026-01-01T00:00:00Z",
                      "country":"%s","clicks":987654321}]}
            """
                .formatted(SECRET_VALUE, SECRET_VALUE));
    assertThat(commit.getStatusCode().value()).isEqualTo(201);
  }

  @Test
  void recordsWritesWithWhoDidThemAndRowCounts() {
    String page = get(compliance, "/api/v1/audit?entity=user_id");

    assertThat(JsonPath.<List<String>>read(page, "$.entries[*].action"))
        .containsExactly("COMMIT", "CREATE", "CREATE");
    assertThat(JsonPath.<List<String>>read(page, "$.entries[*].principal"))
        .containsOnly("scientist");
    assertThat(JsonPath.<Integer>read(page, "$.entries[0].details.rows")).isEqualTo(2);
    assertThat(JsonPath.<String>read(page, "$.entries[0].target")).isEqualTo("user_profile");
  }

  @Test
  void filtersByTargetTimeAndApiKeyAndPages() {
    assertThat(
            JsonPath.<List<String>>read(
                get(compliance, "/api/v1/audit?targetType=ENTITY&target=user_id"),
                "$.entries[*].action"))
        .containsExactly("CREATE");
    assertThat(
            JsonPath.<List<Object>>read(
                get(compliance, "/api/v1/audit?since=" + Instant.now().plusSeconds(60)),
                "$.entries"))
        .isEmpty();
    assertThat(
            JsonPath.<List<Object>>read(
                get(compliance, "/api/v1/audit?entity=user_id&since=" + started), "$.entries"))
        .hasSize(3);

    String first = get(compliance, "/api/v1/audit?entity=user_id&limit=2");
    Number nextBefore = JsonPath.read(first, "$.nextBefore");
    String second =
        get(compliance, "/api/v1/audit?entity=user_id&limit=2&before=" + nextBefore.longValue());
    assertThat(JsonPath.<List<Object>>read(first, "$.entries")).hasSize(2);
    assertThat(JsonPath.<List<String>>read(second, "$.entries[*].targetType"))
        .containsExactly("ENTITY");
    assertThat(JsonPath.<Map<String, Object>>read(second, "$")).doesNotContainKey("nextBefore");
  }

  @Test
  void recordsIssuingKeysWithoutTheirSecrets() {
    String page = get(compliance, "/api/v1/audit?targetType=API_KEY&target=" + scientistKeyId);

    assertThat(JsonPath.<List<String>>read(page, "$.entries[*].details.role"))
        .containsExactly("DATA_SCIENTIST");
    assertThat(JsonPath.<List<String>>read(page, "$.entries[*].principal"))
        .containsExactly("first admin");
  }

  @Test
  void neverStoresFeatureValuesOrSecrets() {
    String everything =
        new JdbcTemplate(dataSource)
            .queryForObject("SELECT string_agg(audit_log::text, ' ') FROM audit_log", String.class);

    assertThat(everything)
        .contains("user_profile")
        .doesNotContain(SECRET_VALUE)
        .doesNotContain("987654321")
        .doesNotContain(TestApiKeys.ADMIN_KEY)
        .doesNotContain("fs_");
  }

  @Test
  void badFiltersNameTheField() {
    ResponseEntity<String> badSince =
        compliance.getForEntity("/api/v1/audit?since=yesterday", String.class);

    assertThat(badSince.getStatusCode().value()).isEqualTo(400);
    assertThat(badSince.getBody()).contains("\"field\":\"since\"");
  }

  /** Times before year 1 or beyond a long of microseconds are bad input, not a server failure. */
  @Test
  void sinceBeyondTheStorableTimesNamesTheField() {
    for (String since :
        List.of(
            "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z",
            "-200000-01-01T00:00:00Z")) {
      ResponseEntity<String> response =
          compliance.getForEntity(
              URI.create("/api/v1/audit?since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)),
              String.class);

      assertThat(response.getStatusCode().value()).as(since).isEqualTo(400);
      assertThat(response.getBody())
          .contains("\"field\":\"since\"")
          .contains("outside the times that can be stored");
    }
  }

  private Map<String, String> issue(String name, String role) {
    ResponseEntity<String> issued =
        post(admin, "/api/v1/api-keys", "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"}");
    assertThat(issued.getStatusCode().value()).isEqualTo(201);
    return Map.of(
        "id", JsonPath.read(issued.getBody(), "$.id"),
        "key", JsonPath.read(issued.getBody(), "$.key"));
  }

  private static String get(TestRestTemplate http, String path) {
    ResponseEntity<String> response = http.getForEntity(path, String.class);
    assertThat(response.getStatusCode().value()).isEqualTo(200);
    return response.getBody();
  }

  private static ResponseEntity<String> post(TestRestTemplate http, String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
