package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole server against a real Postgres database and local-disk objects. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class ServerIT {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    // Cached contexts of several test classes live at once: each needs its own online port.
    registry.add("feature-store.online-port", () -> "0");
  }

  @Autowired TestRestTemplate anonymous;
  TestRestTemplate http;

  @BeforeEach
  void authenticateAsAdmin() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
  }

  @Test
  void healthIsUpWithDatabaseAndObjectStore() {
    ResponseEntity<String> health = http.getForEntity("/actuator/health", String.class);
    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody()).contains("\"db\"").contains("\"objectStore\"");
    ResponseEntity<String> readiness =
        http.getForEntity("/actuator/health/readiness", String.class);
    assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
  }

  @Test
  void anonymousHealthShowsStatusesButNoPaths() {
    ResponseEntity<String> health = anonymous.getForEntity("/actuator/health", String.class);
    assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(health.getBody())
        .contains("\"status\":\"UP\"")
        .doesNotContain("location")
        .doesNotContain(dataDir.toString());
  }

  @Test
  void servesPrometheusMetricsAndOpenApiWithoutAKey() {
    assertThat(anonymous.getForEntity("/actuator/prometheus", String.class).getBody())
        .contains("jvm_memory_used_bytes");
    assertThat(anonymous.getForEntity("/v3/api-docs", String.class).getBody())
        .contains("/api/v1/feature-groups");
    assertThat(anonymous.getForEntity("/swagger-ui.html", String.class).getStatusCode().value())
        .isLessThan(400);
  }

  @Test
  void createsAndReadsFeatureGroups() {
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    ResponseEntity<String> created =
        post(
            "/api/v1/feature-groups",
            """
            {"name":"user_activity","entity":"user_id","ttl":"P30D","online":true,
             "features":[{"name":"clicks_7d","type":"INT64"},
                         {"name":"review_embedding","type":"FLOAT32_VECTOR","dimension":768}]}
            """);
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(created.getHeaders().getLocation()).hasPath("/api/v1/feature-groups/user_activity");

    ResponseEntity<String> evolved =
        exchange(
            "/api/v1/feature-groups/user_activity",
            "PATCH",
            "{\"addFeatures\":[{\"name\":\"country\",\"type\":\"STRING\"}]}");
    assertThat(evolved.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(evolved.getBody()).contains("\"schemaVersion\":2").contains("\"country\"");
    assertThat(http.getForEntity("/api/v1/feature-groups", String.class).getBody())
        .contains("user_activity");
  }

  @Test
  void ownersTagsAndDescriptionsAreAcceptedShownAndEditable() {
    ResponseEntity<String> entity =
        post(
            "/api/v1/entities",
            """
            {"name":"account_id","keyType":"STRING","description":"an account",
             "owner":"payments","tags":["pii","billing"]}""");
    assertThat(entity.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(JsonPath.<List<String>>read(entity.getBody(), "$.tags"))
        .containsExactly("billing", "pii");
    ResponseEntity<String> redescribed =
        exchange("/api/v1/entities/account_id", "PATCH", "{\"owner\":\"risk\"}");
    assertThat(redescribed.getStatusCode()).isEqualTo(HttpStatus.OK);
    String shownEntity = http.getForEntity("/api/v1/entities/account_id", String.class).getBody();
    assertThat(JsonPath.<String>read(shownEntity, "$.owner")).isEqualTo("risk");
    assertThat(JsonPath.<List<String>>read(shownEntity, "$.tags"))
        .containsExactly("billing", "pii");

    post(
        "/api/v1/feature-groups",
        """
        {"name":"account_balance","entity":"account_id","owner":"payments","tags":["daily"],
         "features":[{"name":"balance","type":"FLOAT64","description":"end of day, EUR"}]}""");
    ResponseEntity<String> changed =
        exchange(
            "/api/v1/feature-groups/account_balance",
            "PATCH",
            """
            {"tags":["daily","finance"],"featureDescriptions":{"balance":"end of day, USD"},
             "addFeatures":[{"name":"overdrawn","type":"BOOL","description":"below zero"}]}""");
    assertThat(changed.getStatusCode()).isEqualTo(HttpStatus.OK);
    String group =
        http.getForEntity("/api/v1/feature-groups/account_balance", String.class).getBody();
    assertThat(JsonPath.<String>read(group, "$.owner")).isEqualTo("payments");
    assertThat(JsonPath.<List<String>>read(group, "$.tags")).containsExactly("daily", "finance");
    assertThat(JsonPath.<List<String>>read(group, "$.features[*].description"))
        .containsExactly("end of day, USD", "below zero");
    assertThat(JsonPath.<Integer>read(group, "$.schemaVersion")).isEqualTo(2);
  }

  @Test
  void badDocumentationIsAProblemNamingTheField() {
    post("/api/v1/entities", "{\"name\":\"shop_id\",\"keyType\":\"STRING\"}");
    assertProblemNaming(
        exchange("/api/v1/entities/shop_id", "PATCH", "{\"tags\":[\"ok\",\"Not OK\"]}"), "tags[1]");
    post(
        "/api/v1/feature-groups",
        "{\"name\":\"shop_sales\",\"entity\":\"shop_id\","
            + "\"features\":[{\"name\":\"sales\",\"type\":\"INT64\"}]}");
    assertProblemNaming(
        exchange(
            "/api/v1/feature-groups/shop_sales",
            "PATCH",
            "{\"featureDescriptions\":{\"refunds\":\"money back\"}}"),
        "featureDescriptions.refunds");
    assertProblemNaming(
        exchange("/api/v1/feature-groups/shop_sales", "PATCH", "{\"steward\":\"me\"}"), "steward");
    assertProblemNaming(exchange("/api/v1/entities/shop_id", "PATCH", "{}"), "body");
  }

  private static void assertProblemNaming(ResponseEntity<String> response, String field) {
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getBody()).contains("\"" + field + "\"");
  }

  /**
   * A group's key span over its files is in key order, UTF-8 byte order: U+1F600 (a surrogate pair
   * in Java, which String.compareTo puts first) comes after U+E000.
   */
  @Test
  void groupKeySpanFollowsUtf8OrderAcrossFiles() {
    post("/api/v1/entities", "{\"name\":\"symbol\",\"keyType\":\"STRING\"}");
    post(
        "/api/v1/feature-groups",
        "{\"name\":\"symbol_counts\",\"entity\":\"symbol\","
            + "\"features\":[{\"name\":\"count\",\"type\":\"INT64\"}]}");
    for (String key : new String[] {"\uD83D\uDE00", "\uE000"}) {
      ResponseEntity<String> commit =
          post(
              "/api/v1/feature-groups/symbol_counts/commits",
              "{\"rows\":[{\"symbol\":\""
                  + key
                  + "\",\"event_time\":\"2026-01-01T00:00:00Z\",\"count\":1}]}");
      assertThat(commit.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    }

    String group =
        http.getForEntity("/api/v1/feature-groups/symbol_counts", String.class).getBody();

    assertThat(JsonPath.<String>read(group, "$.keyMin")).isEqualTo("\uE000");
    assertThat(JsonPath.<String>read(group, "$.keyMax")).isEqualTo("\uD83D\uDE00");
  }

  @Test
  void badInputIsAProblemNamingTheField() {
    ResponseEntity<String> badName =
        post("/api/v1/entities", "{\"name\":\"User-Id\",\"keyType\":\"STRING\"}");
    assertThat(badName.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badName.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(badName.getBody()).contains("\"field\":\"name\"").contains("\"status\":400");

    ResponseEntity<String> badType =
        post("/api/v1/entities", "{\"name\":\"order_id\",\"keyType\":\"UUID\"}");
    assertThat(badType.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badType.getBody()).contains("\"field\":\"keyType\"");

    ResponseEntity<String> vectorWithoutDimension =
        post("/api/v1/feature-groups", "{\"name\":\"g\",\"entity\":\"nobody\",\"features\":[]}");
    assertThat(vectorWithoutDimension.getBody()).contains("\"field\":\"entity\"");

    // Values of the wrong type, in the body or in the path, say what was expected.
    ResponseEntity<String> unknownRole =
        post("/api/v1/api-keys", "{\"name\":\"k\",\"role\":\"KING\"}");
    assertThat(unknownRole.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(unknownRole.getBody())
        .contains("\"field\":\"role\"")
        .contains("must be one of [ADMIN, DATA_SCIENTIST, MODEL_SERVER, COMPLIANCE]");
    ResponseEntity<String> badId = http.getForEntity("/api/v1/jobs/not-a-uuid", String.class);
    assertThat(badId.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(badId.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(badId.getBody())
        .contains("\"code\":\"INVALID_INPUT\"")
        .contains("\"field\":\"id\"")
        .contains("\"message\":\"must be a UUID\"");
  }

  /** Postgres text cannot hold U+0000: such strings are refused by field, never a 5xx. */
  @Test
  void stringsHoldingNulAreRefusedNamingTheField() {
    assertNulRefused(
        post(
            "/api/v1/entities",
            "{\"name\":\"device_id\",\"keyType\":\"STRING\",\"description\":\"a\\u0000\"}"),
        "description");
    assertThat(http.getForEntity("/api/v1/entities/device_id", String.class).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertNulRefused(
        post(
            "/api/v1/erasures",
            "{\"entity\":\"user_id\",\"keys\":[\"u1\",\"u\\u0000\"],\"reason\":\"r\"}"),
        "keys[1]");
    assertNulRefused(
        post("/api/v1/feature-groups", "{\"features\":[{\"na\\u0000me\":\"f\"}]}"), "features[0]");
    assertNulRefused(post("/api/v1/models", "{\"n\\u0000\":1}"), "body");
    assertNulRefused(
        http.getForEntity(URI.create(http.getRootUri() + "/api/v1/audit?key=u%00"), String.class),
        "key");
    // In the path, Tomcat refuses it before the application runs; the answer is a problem still.
    ResponseEntity<String> inPath =
        http.getForEntity(
            URI.create(http.getRootUri() + "/api/v1/lineage/entities/user_id/keys/u%00"),
            String.class);
    assertThat(inPath.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(
            inPath
                .getHeaders()
                .getContentType()
                .isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
        .isTrue();
    assertThat(inPath.getBody()).contains("\"status\":400").contains("Invalid URI");

    // An escaped backslash before "u0000" is six plain characters, kept as sent.
    ResponseEntity<String> backslash =
        post(
            "/api/v1/entities",
            "{\"name\":\"device_id\",\"keyType\":\"STRING\",\"description\":\"a\\\\u0000\"}");
    assertThat(backslash.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(backslash.getBody()).contains("\"description\":\"a\\\\u0000\"");
  }

  /** JSON bodies are read whole before binding, so their size is capped (spines have uploads). */
  @Test
  void jsonBodiesOverTheLimitAreRefused() {
    String padded =
        "{\"name\":\"huge\",\"keyType\":\"STRING\",\"description\":\""
            + "x".repeat(64 << 20)
            + "\"}";
    ResponseEntity<String> tooLarge = post("/api/v1/entities", padded);
    assertThat(tooLarge.getStatusCode()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    assertThat(tooLarge.getBody()).contains("at most 64 MiB");
    assertThat(http.getForEntity("/api/v1/entities/huge", String.class).getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  private static void assertNulRefused(ResponseEntity<String> response, String field) {
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(response.getBody()).contains("\"field\":\"" + field + "\"").contains("U+0000");
  }

  @Test
  void duplicatesConflictAndUnknownsAreNotFound() {
    post("/api/v1/entities", "{\"name\":\"session_id\",\"keyType\":\"INT64\"}");
    ResponseEntity<String> duplicate =
        post("/api/v1/entities", "{\"name\":\"session_id\",\"keyType\":\"INT64\"}");
    assertThat(duplicate.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
    assertThat(duplicate.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

    ResponseEntity<String> missing = http.getForEntity("/api/v1/feature-groups/nope", String.class);
    assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(missing.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

    ResponseEntity<String> noSuchPath = http.getForEntity("/api/v1/nothing-here", String.class);
    assertThat(noSuchPath.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(noSuchPath.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void searchFindsByNameFirstAndPagesWithLinks() {
    post(
        "/api/v1/entities",
        "{\"name\":\"merchant_id\",\"keyType\":\"STRING\",\"tags\":[\"acquiring\"]}");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"merchant_fraud","entity":"merchant_id","owner":"risk desk",
         "features":[{"name":"chargebacks","type":"INT64","description":"fraud reports, 30 days"}]}""");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"merchant_sales","entity":"merchant_id","description":"no fraud here",
         "features":[{"name":"revenue","type":"FLOAT64"}]}""");

    ResponseEntity<String> first =
        http.getForEntity("/api/v1/search?q=fraud&limit=2", String.class);
    assertThat(first.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<List<String>>read(first.getBody(), "$[*].name"))
        .containsExactly("merchant_fraud", "chargebacks");
    assertThat(JsonPath.<String>read(first.getBody(), "$[1].group")).isEqualTo("merchant_fraud");
    String next = first.getHeaders().getFirst(HttpHeaders.LINK);
    assertThat(next).contains("q=fraud").endsWith(">; rel=\"next\"");
    ResponseEntity<String> second =
        http.getForEntity(next.substring(1, next.indexOf('>')), String.class);
    assertThat(JsonPath.<List<String>>read(second.getBody(), "$[*].name"))
        .containsExactly("merchant_sales");
    assertThat(second.getHeaders().containsHeader(HttpHeaders.LINK)).isFalse();

    assertThat(JsonPath.<List<String>>read(searchBody("acquiring"), "$[*].kind"))
        .containsExactly("ENTITY");
    assertThat(JsonPath.<List<String>>read(searchBody("risk desk"), "$[*].owner"))
        .containsExactly("risk desk");
  }

  @Test
  void searchWithoutWordsOrWithTooManyIsRefusedNamingQ() {
    List<ResponseEntity<String>> refusals = new ArrayList<>();
    refusals.add(http.getForEntity("/api/v1/search", String.class));
    for (String words : List.of("", "  ", "a".repeat(201))) {
      refusals.add(http.getForEntity("/api/v1/search?q={q}", String.class, words));
    }
    for (ResponseEntity<String> refused : refusals) {
      assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(JsonPath.<String>read(refused.getBody(), "$.errors[0].field")).isEqualTo("q");
    }
  }

  @Test
  void statisticsAndPreviewDescribeTheCommittedRows() {
    post("/api/v1/entities", "{\"name\":\"shop_id\",\"keyType\":\"STRING\"}");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"shop_orders","entity":"shop_id",
         "features":[{"name":"orders","type":"INT64"},{"name":"city","type":"STRING"}]}""");
    post(
        "/api/v1/feature-groups/shop_orders/commits",
        """
        {"rows":[{"shop_id":"s1","event_time":"2026-03-01T00:00:00Z","orders":4,"city":"Lyon"},
                 {"shop_id":"s2","event_time":"2026-03-02T00:00:00Z","orders":null}]}""");
    post(
        "/api/v1/feature-groups/shop_orders/commits",
        """
        {"rows":[{"shop_id":"s1","event_time":"2026-03-03T00:00:00Z","orders":9,"city":"Aix"}]}""");

    String statistics =
        http.getForEntity("/api/v1/feature-groups/shop_orders/statistics", String.class).getBody();
    assertThat(JsonPath.<Integer>read(statistics, "$.rows")).isEqualTo(3);
    assertThat(JsonPath.<Integer>read(statistics, "$.features[0].nullCount")).isEqualTo(1);
    assertThat(JsonPath.<Integer>read(statistics, "$.features[0].min")).isEqualTo(4);
    assertThat(JsonPath.<Integer>read(statistics, "$.features[0].max")).isEqualTo(9);
    assertThat(JsonPath.<Integer>read(statistics, "$.features[0].distinctEstimate")).isEqualTo(2);
    assertThat(JsonPath.<String>read(statistics, "$.features[1].min")).isEqualTo("Aix");

    ResponseEntity<String> preview =
        http.getForEntity("/api/v1/feature-groups/shop_orders/preview?limit=2", String.class);
    assertThat(preview.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<List<String>>read(preview.getBody(), "$.rows[*].event_time"))
        .containsExactly("2026-03-03T00:00:00Z", "2026-03-02T00:00:00Z");
    assertThat(
            http.getForEntity("/api/v1/feature-groups/shop_orders/preview?limit=1001", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);

    String complianceKey =
        JsonPath.read(
            post("/api/v1/api-keys", "{\"name\":\"dpo\",\"role\":\"COMPLIANCE\"}").getBody(),
            "$.key");
    TestRestTemplate compliance = TestApiKeys.as(anonymous, complianceKey);
    ResponseEntity<String> refused =
        compliance.getForEntity("/api/v1/feature-groups/shop_orders/preview", String.class);
    assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
    assertThat(JsonPath.<String>read(refused.getBody(), "$.code")).isEqualTo("FORBIDDEN");
    assertThat(
            compliance
                .getForEntity("/api/v1/feature-groups/shop_orders/statistics", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.OK);
  }

  private String searchBody(String words) {
    return http.getForEntity("/api/v1/search?q={q}", String.class, words).getBody();
  }

  private ResponseEntity<String> post(String path, String json) {
    return exchange(path, "POST", json);
  }

  private ResponseEntity<String> exchange(String path, String method, String json) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.APPLICATION_JSON);
    return http.exchange(
        path,
        org.springframework.http.HttpMethod.valueOf(method),
        new HttpEntity<>(json, headers),
        String.class);
  }
}
