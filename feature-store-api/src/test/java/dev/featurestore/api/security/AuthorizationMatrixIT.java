package dev.featurestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.testing.TestingPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every endpoint the server has, called by every kind of caller, against the status the access
 * rules promise: 401 without a valid key, 404 (as for an unknown path) where a role may not go.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class AuthorizationMatrixIT {
  private static final List<String> CALLERS =
      List.of(
          "ADMIN",
          "DATA_SCIENTIST",
          "MODEL_SERVER",
          "COMPLIANCE",
          "ANONYMOUS",
          "REVOKED_KEY",
          "UNKNOWN_KEY");

  /** Expected status per endpoint (rows) and caller (columns, in the order of CALLERS). */
  private static final String MATRIX =
      """
      GET    /api/v1/entities                        200 200 404 200 401 401 401
      POST   /api/v1/entities                        201 201 404 404 401 401 401
      GET    /api/v1/entities/user_id                200 200 404 200 401 401 401
      GET    /api/v1/feature-groups                  200 200 404 200 401 401 401
      POST   /api/v1/feature-groups                  201 201 404 404 401 401 401
      GET    /api/v1/feature-groups/user_activity    200 200 404 200 401 401 401
      PATCH  /api/v1/feature-groups/user_activity    200 200 404 404 401 401 401
      GET    /api/v1/feature-groups/user_activity/commits 200 200 404 200 401 401 401
      POST   /api/v1/feature-groups/user_activity/commits 201 201 404 404 401 401 401
      POST   /api/v1/uploads                         201 201 404 404 401 401 401
      GET    /api/v1/uploads/{upload}                200 200 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set}/data 200 200 404 200 401 401 401
      POST   /api/v1/jobs/{job}/cancel               200 200 404 404 401 401 401
      GET    /api/v1/api-keys                        200 404 404 404 401 401 401
      POST   /api/v1/api-keys                        201 404 404 404 401 401 401
      DELETE /api/v1/api-keys/{fresh-key}            200 404 404 404 401 401 401
      GET    /api/v1/audit                           200 404 404 200 401 401 401
      GET    /api/v1/nothing-here                    404 404 404 404 401 401 401
      GET    /actuator/metrics                       200 404 404 404 401 401 401
      GET    /actuator/health                        200 200 200 200 200 200 200
      GET    /actuator/health/readiness              200 200 200 200 200 200 200
      GET    /actuator/prometheus                    200 200 200 200 200 200 200
      GET    /v3/api-docs                            200 200 200 200 200 200 200
      """;

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add("spring.datasource.password", database::password);
    registry.add("feature-store.data-dir", dataDir::toString);
  }

  @Autowired TestRestTemplate http;

  private final AtomicInteger fresh = new AtomicInteger();
  private final Map<String, String> secrets = new HashMap<>();

  private record Call(HttpMethod method, String path, String body, MediaType contentType) {
    Call(HttpMethod method, String path, String json) {
      this(method, path, json, MediaType.APPLICATION_JSON);
    }
  }

  private static final String SPINE_CSV = "user_id,event_time\nu1,2026-01-02T00:00:00Z\n";

  /** Objects the matrix's paths name, created by ADMIN before the calls. */
  private String uploadId;

  private String trainingSetId;
  private String jobId;

  @Test
  void everyEndpointAnswersEveryCallerAsTheRulesSay() {
    issueKeysAndCreateObjects();
    List<String> mismatches = new ArrayList<>();
    int cells = 0;
    for (String line : MATRIX.strip().split("\n")) {
      String[] columns = line.trim().split("\\s+");
      String endpoint = columns[0] + " " + columns[1];
      for (int caller = 0; caller < CALLERS.size(); caller++) {
        int expected = Integer.parseInt(columns[2 + caller]);
        ResponseEntity<String> response = send(request(endpoint), CALLERS.get(caller));
        cells++;
        String problem = problemOf(response, expected);
        if (response.getStatusCode().value() != expected || !problem.isEmpty()) {
          mismatches.add(
              endpoint
                  + " as "
                  + CALLERS.get(caller)
                  + ": expected "
                  + expected
                  + ", got "
                  + response.getStatusCode().value()
                  + problem);
        }
      }
    }
    assertThat(cells).isEqualTo(23 * CALLERS.size());
    assertThat(mismatches).isEmpty();
  }

  @Test
  void refusalLooksLikeAnUnknownPath() {
    issueKeysAndCreateObjects();

    ResponseEntity<String> refused =
        send(new Call(HttpMethod.GET, "/api/v1/audit", null), "MODEL_SERVER");
    ResponseEntity<String> unknown =
        send(new Call(HttpMethod.GET, "/api/v1/unknown", null), "MODEL_SERVER");

    assertThat(refused.getStatusCode()).isEqualTo(unknown.getStatusCode());
    assertThat(refused.getBody().replace("/api/v1/audit", "/api/v1/unknown"))
        .isEqualTo(unknown.getBody());
  }

  /** Refusals are problem+json; a 401 also says how to authenticate. */
  private static String problemOf(ResponseEntity<String> response, int expected) {
    if (expected != 401 && expected != 404) {
      return "";
    }
    if (!MediaType.APPLICATION_PROBLEM_JSON.equals(response.getHeaders().getContentType())) {
      return " (not problem+json: " + response.getHeaders().getContentType() + ")";
    }
    String wwwAuthenticate = response.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE);
    if (expected == 401 && (wwwAuthenticate == null || !wwwAuthenticate.startsWith("Bearer"))) {
      return " (WWW-Authenticate: " + wwwAuthenticate + ")";
    }
    return "";
  }

  private Call request(String endpoint) {
    int n = fresh.incrementAndGet();
    Map<String, Supplier<Call>> bodies =
        new HashMap<>(
            Map.of(
                "POST /api/v1/uploads",
                () ->
                    new Call(
                        HttpMethod.POST,
                        "/api/v1/uploads",
                        SPINE_CSV,
                        MediaType.parseMediaType("text/csv")),
                "GET /api/v1/uploads/{upload}",
                () -> new Call(HttpMethod.GET, "/api/v1/uploads/" + uploadId, null),
                "GET /api/v1/training-sets/{training-set}/data",
                () ->
                    new Call(
                        HttpMethod.GET,
                        "/api/v1/training-sets/" + trainingSetId + "/data?format=arrow",
                        null),
                "POST /api/v1/jobs/{job}/cancel",
                () -> new Call(HttpMethod.POST, "/api/v1/jobs/" + jobId + "/cancel", null)));
    bodies.putAll(
        Map.of(
            "POST /api/v1/entities",
            () ->
                new Call(
                    HttpMethod.POST,
                    "/api/v1/entities",
                    "{\"name\":\"entity_" + n + "\",\"keyType\":\"STRING\"}"),
            "POST /api/v1/feature-groups",
            () ->
                new Call(
                    HttpMethod.POST,
                    "/api/v1/feature-groups",
                    "{\"name\":\"group_"
                        + n
                        + "\",\"entity\":\"user_id\",\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}"),
            "PATCH /api/v1/feature-groups/user_activity",
            () ->
                new Call(
                    HttpMethod.PATCH,
                    "/api/v1/feature-groups/user_activity",
                    "{\"addFeatures\":[{\"name\":\"feature_" + n + "\",\"type\":\"INT64\"}]}"),
            "POST /api/v1/feature-groups/user_activity/commits",
            () ->
                new Call(
                    HttpMethod.POST,
                    "/api/v1/feature-groups/user_activity/commits",
                    "{\"rows\":[{\"user_id\":\"u"
                        + n
                        + "\",\"event_time\":\"2026-01-01T00:00:00Z\",\"clicks_7d\":3}]}"),
            "POST /api/v1/api-keys",
            () ->
                new Call(
                    HttpMethod.POST,
                    "/api/v1/api-keys",
                    "{\"name\":\"key " + n + "\",\"role\":\"MODEL_SERVER\"}"),
            "DELETE /api/v1/api-keys/{fresh-key}",
            () ->
                new Call(
                    HttpMethod.DELETE, "/api/v1/api-keys/" + issue("MODEL_SERVER").id(), null)));
    Supplier<Call> body = bodies.get(endpoint);
    if (body != null) {
      return body.get();
    }
    String[] methodAndPath = endpoint.split(" ");
    return new Call(HttpMethod.valueOf(methodAndPath[0]), methodAndPath[1], null);
  }

  private void issueKeysAndCreateObjects() {
    secrets.put("ADMIN", TestApiKeys.ADMIN_KEY);
    for (String role : List.of("DATA_SCIENTIST", "MODEL_SERVER", "COMPLIANCE")) {
      secrets.put(role, issue(role).secret());
    }
    IssuedKey revoked = issue("DATA_SCIENTIST");
    assertThat(
            send(new Call(HttpMethod.DELETE, "/api/v1/api-keys/" + revoked.id(), null), "ADMIN")
                .getStatusCode()
                .value())
        .isEqualTo(200);
    secrets.put("REVOKED_KEY", revoked.secret());
    secrets.put("UNKNOWN_KEY", "fs_not-a-key-this-server-issued");
    send(
        new Call(
            HttpMethod.POST, "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"),
        "ADMIN");
    send(
        new Call(
            HttpMethod.POST,
            "/api/v1/feature-groups",
            "{\"name\":\"user_activity\",\"entity\":\"user_id\","
                + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}"),
        "ADMIN");
    ResponseEntity<String> upload = send(request("POST /api/v1/uploads"), "ADMIN");
    assertThat(upload.getStatusCode().value()).isEqualTo(201);
    uploadId = JsonPath.read(upload.getBody(), "$.id");
    ResponseEntity<String> job =
        send(
            new Call(
                HttpMethod.POST,
                "/api/v1/training-sets",
                "{\"name\":\"from_upload\",\"features\":[\"user_activity:clicks_7d\"],"
                    + "\"spine\":{\"upload\":\""
                    + uploadId
                    + "\"}}"),
            "ADMIN");
    assertThat(job.getStatusCode().value()).isEqualTo(202);
    jobId = JsonPath.read(job.getBody(), "$.jobId");
    ResponseEntity<String> trainingSet =
        send(
            new Call(
                HttpMethod.POST,
                "/api/v1/training-sets",
                "{\"name\":\"inline\",\"features\":[\"user_activity:clicks_7d\"],"
                    + "\"spine\":{\"rows\":[{\"user_id\":\"u1\","
                    + "\"event_time\":\"2026-01-02T00:00:00Z\"}]}}"),
            "ADMIN");
    assertThat(trainingSet.getStatusCode().value()).isEqualTo(201);
    trainingSetId = JsonPath.read(trainingSet.getBody(), "$.id");
  }

  private record IssuedKey(String id, String secret) {}

  private IssuedKey issue(String role) {
    ResponseEntity<String> issued =
        send(
            new Call(
                HttpMethod.POST,
                "/api/v1/api-keys",
                "{\"name\":\""
                    + role.toLowerCase(java.util.Locale.ROOT)
                    + "\",\"role\":\""
                    + role
                    + "\"}"),
            "ADMIN");
    assertThat(issued.getStatusCode().value()).isEqualTo(201);
    return new IssuedKey(
        JsonPath.read(issued.getBody(), "$.id"), JsonPath.read(issued.getBody(), "$.key"));
  }

  private ResponseEntity<String> send(Call call, String caller) {
    HttpHeaders headers = new HttpHeaders();
    String secret = secrets.get(caller);
    if (secret != null) {
      headers.setBearerAuth(secret);
    }
    if (call.body() != null) {
      headers.setContentType(call.contentType());
    }
    return http.exchange(
        call.path(), call.method(), new HttpEntity<>(call.body(), headers), String.class);
  }
}
