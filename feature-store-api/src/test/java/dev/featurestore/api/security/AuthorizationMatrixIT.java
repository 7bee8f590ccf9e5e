package dev.featurestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.online.OnlineListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
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
 * Every endpoint the server has, called by every kind of caller on its own and on other keys'
 * objects, against the status the access rules promise: 401 without a valid key, 404 (as for an
 * unknown path or id) where a role may not go or an object is another key's. The lookups are also
 * called on the online listener's port, which must answer every caller and header as the main port
 * does.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class AuthorizationMatrixIT {
  /**
   * The columns of the matrix. SCIENTIST owns the {@code :scientist} objects; OTHER_SCIENTIST is a
   * second DATA_SCIENTIST key, for which they are another key's.
   */
  private static final List<String> CALLERS =
      List.of(
          "ADMIN",
          "SCIENTIST",
          "OTHER_SCIENTIST",
          "MODEL_SERVER",
          "COMPLIANCE",
          "ANONYMOUS",
          "REVOKED_KEY",
          "UNKNOWN_KEY");

  /**
   * Expected status per call (rows) and caller (columns, in the order of {@link #CALLERS}). A call
   * is a method, a path and a body (a name from {@link #BODIES}, or {@code -}). {@code
   * {kind:owner}} names an object created before the calls by that owner: {@code scientist}, {@code
   * admin}, {@code compliance}, or {@code legacy} (recorded before objects had owners).
   */
  private static final String MATRIX =
      """
      # Shared catalog: definitions and feature data are everyone's who may read them.
      GET    /api/v1/entities                                 -            200 200 200 404 200 401 401 401
      POST   /api/v1/entities                                 entity       201 201 201 404 404 401 401 401
      GET    /api/v1/entities/user_id                         -            200 200 200 404 200 401 401 401
      PATCH  /api/v1/entities/user_id                         describe     200 200 200 404 404 401 401 401
      GET    /api/v1/feature-groups                           -            200 200 200 404 200 401 401 401
      POST   /api/v1/feature-groups                           group        201 201 201 404 404 401 401 401
      GET    /api/v1/feature-groups/user_activity             -            200 200 200 404 200 401 401 401
      PATCH  /api/v1/feature-groups/user_activity             add-feature  200 200 200 404 404 401 401 401
      GET    /api/v1/feature-groups/user_activity/commits     -            200 200 200 404 200 401 401 401
      GET    /api/v1/feature-groups/user_activity/statistics  -            200 200 200 404 200 401 401 401
      GET    /api/v1/feature-groups/user_activity/preview     -            200 200 200 404 403 401 401 401
      GET    /api/v1/search?q=user                            -            200 200 200 200 200 401 401 401
      POST   /api/v1/feature-groups/user_activity/commits     rows         201 201 201 404 404 401 401 401
      POST   /api/v1/feature-groups/user_activity/compactions -            201 201 201 404 404 401 401 401
      POST   /api/v1/feature-groups/user_activity/archive     -            200 200 200 404 404 401 401 401
      POST   /api/v1/feature-groups/user_activity/unarchive   -            200 200 200 404 404 401 401 401
      DELETE /api/v1/feature-groups/no_such_group             -            404 404 404 404 404 401 401 401
      POST   /api/v1/online-features                          lookup       200 200 200 200 404 401 401 401
      POST   /get-online-features                             lookup       200 200 200 200 404 401 401 401
      GET    /api/v1/online-indexes                           -            200 200 200 404 200 401 401 401
      # Uploads: a data scientist's own; ADMIN and COMPLIANCE see all.
      POST   /api/v1/uploads                                  spine-csv    201 201 201 404 404 401 401 401
      GET    /api/v1/uploads/{upload:scientist}               -            200 200 404 404 200 401 401 401
      GET    /api/v1/uploads/{upload:admin}                   -            200 404 404 404 200 401 401 401
      GET    /api/v1/uploads/{upload:legacy}                  -            200 404 404 404 200 401 401 401
      # Training sets: another key's upload as spine is refused as a missing one (400 spine.upload).
      GET    /api/v1/training-sets                            -            200 200 200 404 200 401 401 401
      POST   /api/v1/training-sets                            inline-spine 201 201 201 404 404 401 401 401
      POST   /api/v1/training-sets                            spine-of:{upload:scientist} 202 202 400 404 404 401 401 401
      POST   /api/v1/training-sets                            spine-of:{upload:admin}     202 400 400 404 404 401 401 401
      POST   /api/v1/training-sets                            spine-of:{upload:legacy}    202 400 400 404 404 401 401 401
      GET    /api/v1/training-sets/{training-set:scientist}   -            200 200 404 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set:admin}       -            200 404 404 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set:legacy}      -            200 404 404 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set:scientist}/data -         200 200 404 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set:admin}/data  -            200 404 404 404 200 401 401 401
      GET    /api/v1/training-sets/{training-set:legacy}/data -            200 404 404 404 200 401 401 401
      # Jobs: only the owner and ADMIN cancel; an erasure job cannot be cancelled at all (409).
      GET    /api/v1/jobs/{job:scientist}                     -            200 200 404 404 200 401 401 401
      GET    /api/v1/jobs/{job:admin}                         -            200 404 404 404 200 401 401 401
      GET    /api/v1/jobs/{job:compliance}                    -            200 404 404 404 200 401 401 401
      GET    /api/v1/jobs/{job:legacy}                        -            200 404 404 404 200 401 401 401
      POST   /api/v1/jobs/{job:scientist}/cancel              -            200 200 404 404 404 401 401 401
      POST   /api/v1/jobs/{job:admin}/cancel                  -            200 404 404 404 404 401 401 401
      POST   /api/v1/jobs/{job:compliance}/cancel             -            409 404 404 404 404 401 401 401
      POST   /api/v1/jobs/{job:legacy}/cancel                 -            200 404 404 404 404 401 401 401
      # Models: registered only on training sets the registrant sees (else 400 trainingSets[0]).
      GET    /api/v1/models                                   -            200 200 200 404 200 401 401 401
      POST   /api/v1/models                                   model-on:{training-set:scientist} 201 201 400 404 404 401 401 401
      POST   /api/v1/models                                   model-on:{training-set:admin}     201 400 400 404 404 401 401 401
      POST   /api/v1/models                                   model-on:{training-set:legacy}    201 400 400 404 404 401 401 401
      GET    /api/v1/models/{model:scientist}                 -            200 200 404 404 200 401 401 401
      GET    /api/v1/models/{model:admin}                     -            200 404 404 404 200 401 401 401
      GET    /api/v1/models/{model:legacy}                    -            200 404 404 404 200 401 401 401
      # Lineage: by model as the model; by group filtered to what the caller sees; by key for few.
      GET    /api/v1/lineage/models/{model:scientist}         -            200 200 404 404 200 401 401 401
      GET    /api/v1/lineage/models/{model:admin}             -            200 404 404 404 200 401 401 401
      GET    /api/v1/lineage/models/{model:legacy}            -            200 404 404 404 200 401 401 401
      GET    /api/v1/lineage/feature-groups/user_activity     -            200 200 200 404 200 401 401 401
      GET    /api/v1/lineage/entities/user_id/keys/u1         -            200 404 404 404 200 401 401 401
      # Erasures, audit, keys: compliance's and the administrator's.
      POST   /api/v1/erasures                                 erasure      202 404 404 404 202 401 401 401
      POST   /api/v1/erasures/preview                         preview      200 404 404 404 200 401 401 401
      GET    /api/v1/erasures/{erasure:compliance}            -            200 404 404 404 200 401 401 401
      DELETE /api/v1/tombstones/user_id/nobody                -            404 404 404 404 404 401 401 401
      GET    /api/v1/audit                                    -            200 404 404 404 200 401 401 401
      GET    /api/v1/subjects/user_id/u1                      -            200 404 404 404 200 401 401 401
      GET    /api/v1/api-keys/current                         -            200 200 200 200 200 401 401 401
      GET    /api/v1/api-keys                                 -            200 404 404 404 404 401 401 401
      POST   /api/v1/api-keys                                 api-key      201 404 404 404 404 401 401 401
      DELETE /api/v1/api-keys/{fresh-key}                     -            200 404 404 404 404 401 401 401
      GET    /api/v1/grants                                   -            200 404 404 404 200 401 401 401
      POST   /api/v1/grants                                   grant        201 404 404 404 404 401 401 401
      GET    /api/v1/nothing-here                             -            404 404 404 404 404 401 401 401
      GET    /actuator/metrics                                -            200 404 404 404 404 401 401 401
      GET    /actuator/health                                 -            200 200 200 200 200 200 200 200
      GET    /actuator/health/readiness                       -            200 200 200 200 200 200 200 200
      GET    /actuator/prometheus                             -            200 200 200 200 200 200 200 200
      GET    /v3/api-docs                                     -            200 200 200 200 200 200 200 200
      # The console's pages and files need no key; what they show comes from the calls above.
      GET    /console/                                        -            200 200 200 200 200 200 200 200
      GET    /console/feature-groups/user_activity            -            200 200 200 200 200 200 200 200
      GET    /console/assets/app.js                           -            200 200 200 200 200 200 200 200
      GET    /console/no-such-page                            -            404 404 404 404 404 404 404 404
      """;

  /** Request bodies by name; {@code {n}} is a number unique to the call. */
  private static final Map<String, String> BODIES =
      Map.ofEntries(
          Map.entry("entity", "{\"name\":\"entity_{n}\",\"keyType\":\"STRING\"}"),
          Map.entry("describe", "{\"owner\":\"team_{n}\",\"tags\":[\"tag_{n}\"]}"),
          Map.entry(
              "group",
              "{\"name\":\"group_{n}\",\"entity\":\"user_id\","
                  + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}"),
          Map.entry(
              "add-feature", "{\"addFeatures\":[{\"name\":\"feature_{n}\",\"type\":\"INT64\"}]}"),
          Map.entry(
              "rows",
              "{\"rows\":[{\"user_id\":\"u{n}\",\"event_time\":\"2026-01-01T00:00:00Z\","
                  + "\"clicks_7d\":3}]}"),
          Map.entry(
              "lookup",
              "{\"features\":[\"user_online:clicks\"],\"entities\":{\"user_id\":[\"u1\"]}}"),
          Map.entry(
              "inline-spine",
              "{\"name\":\"inline_{n}\",\"features\":[\"user_activity:clicks_7d\"],"
                  + "\"spine\":{\"rows\":[{\"user_id\":\"u1\","
                  + "\"event_time\":\"2026-01-02T00:00:00Z\"}]}}"),
          Map.entry(
              "spine-of",
              "{\"name\":\"uploaded_{n}\",\"features\":[\"user_activity:clicks_7d\"],"
                  + "\"spine\":{\"upload\":\"{object}\"}}"),
          Map.entry(
              "model-on",
              "{\"name\":\"model_{n}\",\"version\":\"1\",\"trainingSets\":[\"{object}\"]}"),
          Map.entry(
              "erasure",
              "{\"entity\":\"user_id\",\"keys\":[\"nobody_{n}\"],\"reason\":\"matrix\"}"),
          Map.entry("preview", "{\"entity\":\"user_id\",\"keys\":[\"nobody_{n}\"]}"),
          Map.entry("api-key", "{\"name\":\"key {n}\",\"role\":\"MODEL_SERVER\"}"),
          Map.entry(
              "grant", "{\"role\":\"COMPLIANCE\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\"]}"));

  /** The paths the online listener serves besides the main port. */
  private static final List<String> LOOKUP_PATHS =
      List.of("/api/v1/online-features", "/get-online-features");

  private static final String SPINE_CSV = "user_id,event_time\nu1,2026-01-02T00:00:00Z\n";
  private static final Pattern OBJECT = Pattern.compile("\\{([a-z-]+):([a-z]+)}");

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.online-port", () -> "0");
  }

  /**
   * Keys and objects, created once for the test class (the server and its catalog are shared by the
   * test methods).
   */
  private static final Map<String, String> secrets = new HashMap<>();

  /** Object ids (or model paths) by {@code kind:owner}. */
  private static final Map<String, String> objects = new HashMap<>();

  @Autowired TestRestTemplate http;
  @Autowired DataSource dataSource;
  @Autowired OnlineListener onlineListener;

  /** Numbers unique to each call, for names that must not clash across the test methods. */
  private static final AtomicInteger fresh = new AtomicInteger();

  private record Call(HttpMethod method, String path, String body, MediaType contentType) {
    Call(HttpMethod method, String path, String json) {
      this(method, path, json, MediaType.APPLICATION_JSON);
    }
  }

  @BeforeEach
  void issueKeysAndCreateObjects() throws SQLException {
    if (!secrets.isEmpty()) {
      return;
    }
    secrets.put("ADMIN", TestApiKeys.ADMIN_KEY);
    secrets.put("SCIENTIST", issue("DATA_SCIENTIST").secret());
    secrets.put("OTHER_SCIENTIST", issue("DATA_SCIENTIST").secret());
    secrets.put("MODEL_SERVER", issue("MODEL_SERVER").secret());
    secrets.put("COMPLIANCE", issue("COMPLIANCE").secret());
    IssuedKey revoked = issue("DATA_SCIENTIST");
    expect(send(new Call(HttpMethod.DELETE, "/api/v1/api-keys/" + revoked.id(), null), "ADMIN"))
        .isEqualTo(200);
    secrets.put("REVOKED_KEY", revoked.secret());
    secrets.put("UNKNOWN_KEY", "fs_not-a-key-this-server-issued");

    expect(json("POST", "/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"))
        .isEqualTo(201);
    expect(
            json(
                "POST",
                "/api/v1/feature-groups",
                "{\"name\":\"user_activity\",\"entity\":\"user_id\","
                    + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}"))
        .isEqualTo(201);
    expect(
            json(
                "POST",
                "/api/v1/feature-groups",
                "{\"name\":\"user_online\",\"entity\":\"user_id\",\"online\":true,"
                    + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}"))
        .isEqualTo(201);
    // Rows for the training sets to read, so that lineage by group finds them.
    expect(send(resolve("POST /api/v1/feature-groups/user_activity/commits", "rows"), "ADMIN"))
        .isEqualTo(201);
    expect(
            json(
                "POST",
                "/api/v1/feature-groups/user_online/commits",
                "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-01-01T00:00:00Z\","
                    + "\"clicks\":3}]}"))
        .isEqualTo(201);

    for (String owner : List.of("scientist", "admin", "legacy")) {
      String caller = owner.equals("scientist") ? "SCIENTIST" : "ADMIN";
      ResponseEntity<String> upload = send(uploadCall(), caller);
      expect(upload).isEqualTo(201);
      objects.put("upload:" + owner, JsonPath.read(upload.getBody(), "$.id"));
      ResponseEntity<String> job =
          send(resolve("POST /api/v1/training-sets", "spine-of:{upload:" + owner + "}"), caller);
      expect(job).isEqualTo(202);
      objects.put("job:" + owner, JsonPath.read(job.getBody(), "$.jobId"));
      ResponseEntity<String> trainingSet =
          send(resolve("POST /api/v1/training-sets", "inline-spine"), caller);
      expect(trainingSet).isEqualTo(201);
      objects.put("training-set:" + owner, JsonPath.read(trainingSet.getBody(), "$.id"));
      ResponseEntity<String> model =
          send(resolve("POST /api/v1/models", "model-on:{training-set:" + owner + "}"), caller);
      expect(model).isEqualTo(201);
      objects.put(
          "model:" + owner, JsonPath.<String>read(model.getBody(), "$.name") + "/versions/1");
    }
    ResponseEntity<String> erasure =
        send(resolve("POST /api/v1/erasures", "erasure"), "COMPLIANCE");
    expect(erasure).isEqualTo(202);
    objects.put("erasure:compliance", JsonPath.read(erasure.getBody(), "$.id"));
    objects.put("job:compliance", JsonPath.read(erasure.getBody(), "$.jobId"));
    forgetOwnersOfLegacyObjects();
  }

  /** What rows recorded before owners were look like: no owner. */
  private void forgetOwnersOfLegacyObjects() throws SQLException {
    String modelName = objects.get("model:legacy").split("/")[0];
    try (Connection connection = dataSource.getConnection()) {
      for (String[] tableAndObject :
          new String[][] {
            {"uploads", "id", "upload:legacy"},
            {"jobs", "id", "job:legacy"},
            {"training_sets", "id", "training-set:legacy"}
          }) {
        try (PreparedStatement update =
            connection.prepareStatement(
                "UPDATE " + tableAndObject[0] + " SET owner_key_id = NULL WHERE id = ?")) {
          update.setObject(1, UUID.fromString(objects.get(tableAndObject[2])));
          assertThat(update.executeUpdate()).isEqualTo(1);
        }
      }
      try (PreparedStatement update =
          connection.prepareStatement("UPDATE models SET owner_key_id = NULL WHERE name = ?")) {
        update.setString(1, modelName);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
    }
  }

  @Test
  void everyEndpointAnswersEveryCallerAsTheRulesSay() {
    List<String> mismatches = new ArrayList<>();
    List<String> rows =
        MATRIX.strip().lines().map(String::trim).filter(line -> !line.startsWith("#")).toList();
    for (String row : rows) {
      String[] columns = row.split("\\s+");
      String endpoint = columns[0] + " " + columns[1];
      String body = columns[2];
      assertThat(columns).as(row).hasSize(3 + CALLERS.size());
      List<String> roots =
          LOOKUP_PATHS.contains(columns[1])
              ? List.of(http.getRootUri(), onlineRoot())
              : List.of(http.getRootUri());
      for (String root : roots) {
        for (int caller = 0; caller < CALLERS.size(); caller++) {
          int expected = Integer.parseInt(columns[3 + caller]);
          ResponseEntity<String> response =
              send(root, resolve(endpoint, body), CALLERS.get(caller));
          String problem = problemOf(response, expected);
          if (response.getStatusCode().value() != expected || !problem.isEmpty()) {
            mismatches.add(
                root
                    + " "
                    + endpoint
                    + " "
                    + body
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
    }
    assertThat(mismatches).isEmpty();
  }

  /**
   * Both ports read the Authorization header alike: the scheme in any case, spaces after it, and
   * the same status, problem code and challenge for a missing, malformed or refused one.
   */
  @Test
  void bothPortsAnswerEveryAuthorizationHeaderAlike() throws Exception {
    String rows =
        """
        # header value (| none, · space)           status code                challenge (· space)
        |                                          401    UNAUTHENTICATED     Bearer
        Basic·dXNlcjpwYXNz                         401    UNAUTHENTICATED     Bearer
        bearer·{ADMIN}                             200    -                   -
        BEARER·{ADMIN}                             200    -                   -
        Bearer···{ADMIN}                           200    -                   -
        Bearer                                     400    INVALID_INPUT       Bearer·error="invalid_request"
        Bearer·{ADMIN}·more                        400    INVALID_INPUT       Bearer·error="invalid_request"
        Bearer\\t{ADMIN}                           400    INVALID_INPUT       Bearer·error="invalid_request"
        Bearer·{UNKNOWN_KEY}                       401    UNAUTHENTICATED     Bearer·error="invalid_token"
        Bearer·{REVOKED_KEY}                       401    UNAUTHENTICATED     Bearer·error="invalid_token"
        bearer·{COMPLIANCE}                        404    NOT_FOUND           -
        bearer·{MODEL_SERVER}                      200    -                   -
        """;
    List<String> mismatches = new ArrayList<>();
    for (String row : rows.strip().lines().filter(line -> !line.startsWith("#")).toList()) {
      String[] columns = row.trim().split("\\s+");
      Optional<String> header =
          columns[0].equals("|")
              ? Optional.empty()
              : Optional.of(fillSecrets(columns[0]).replace('·', ' ').replace("\\t", "\t"));
      String expected = columns[1] + " " + columns[2] + " " + columns[3].replace('·', ' ');
      for (String root : List.of(http.getRootUri(), onlineRoot())) {
        for (String path : LOOKUP_PATHS) {
          HttpResponse<String> response = postLookup(root + path, header);
          String actual =
              response.statusCode()
                  + " "
                  + (response.statusCode() == 200
                      ? "-"
                      : JsonPath.<String>read(response.body(), "$.code"))
                  + " "
                  + response.headers().firstValue(HttpHeaders.WWW_AUTHENTICATE).orElse("-");
          if (!actual.equals(expected)) {
            mismatches.add(row.trim() + " at " + root + path + ": got " + actual);
          }
        }
      }
    }
    assertThat(mismatches).isEmpty();
  }

  /** A malformed header names the header as the field at fault, on both ports. */
  @Test
  void aMalformedHeaderIsAProblemNamingTheHeader() throws Exception {
    for (String root : List.of(http.getRootUri(), onlineRoot())) {
      HttpResponse<String> response =
          postLookup(root + "/api/v1/online-features", Optional.of("Bearer a b"));
      assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE))
          .hasValue(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      assertThat(JsonPath.<String>read(response.body(), "$.errors[0].field"))
          .as(root)
          .isEqualTo("Authorization");
    }
  }

  private static String fillSecrets(String text) {
    String filled = text;
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      filled = filled.replace("{" + secret.getKey() + "}", secret.getValue());
    }
    return filled;
  }

  private static HttpResponse<String> postLookup(String uri, Optional<String> authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri))
            .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON_VALUE)
            .POST(HttpRequest.BodyPublishers.ofString(BODIES.get("lookup")));
    authorization.ifPresent(value -> request.header(HttpHeaders.AUTHORIZATION, value));
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  private String onlineRoot() {
    return "http://localhost:" + onlineListener.port().orElseThrow();
  }

  @Test
  void refusalLooksLikeAnUnknownPath() {
    ResponseEntity<String> refused =
        send(new Call(HttpMethod.GET, "/api/v1/audit", null), "MODEL_SERVER");
    ResponseEntity<String> unknown =
        send(new Call(HttpMethod.GET, "/api/v1/unknown", null), "MODEL_SERVER");

    assertThat(refused.getStatusCode()).isEqualTo(unknown.getStatusCode());
    assertThat(refused.getBody().replace("/api/v1/audit", "/api/v1/unknown"))
        .isEqualTo(unknown.getBody());
  }

  @Test
  void malformedPathIsAProblemNotAnErrorPage() throws Exception {
    // java.net.http sends the path as written; TestRestTemplate's client would collapse the "//".
    HttpResponse<String> response;
    try (HttpClient client = HttpClient.newHttpClient()) {
      response =
          client.send(
              HttpRequest.newBuilder(URI.create(http.getRootUri() + "/api/v1/training-sets//data"))
                  .header(HttpHeaders.AUTHORIZATION, "Bearer " + secrets.get("ADMIN"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    }

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue(HttpHeaders.CONTENT_TYPE))
        .hasValue(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("INVALID_INPUT");
    assertThat((String) JsonPath.read(response.body(), "$.detail"))
        .startsWith("the request path is malformed");
  }

  /** Another key's object and an id nobody used get the same answer, bar the id itself. */
  @Test
  void anotherKeysObjectAnswersExactlyAsAMissingOne() {
    String missing = UUID.randomUUID().toString();
    for (String path :
        List.of(
            "/api/v1/uploads/{upload:scientist}",
            "/api/v1/training-sets/{training-set:scientist}",
            "/api/v1/training-sets/{training-set:scientist}/data",
            "/api/v1/jobs/{job:scientist}")) {
      Call others = resolve("GET " + path, "-");
      String id = others.path().replaceAll(".*/([0-9a-f-]{36}).*", "$1");
      assertSameAnswer(
          send(others, "OTHER_SCIENTIST"),
          send(new Call(HttpMethod.GET, others.path().replace(id, missing), null), "SCIENTIST"),
          id,
          missing);
    }
    assertSameAnswer(
        send(resolve("POST /api/v1/jobs/{job:scientist}/cancel", "-"), "OTHER_SCIENTIST"),
        send(new Call(HttpMethod.POST, "/api/v1/jobs/" + missing + "/cancel", null), "SCIENTIST"),
        objects.get("job:scientist"),
        missing);
    String model = objects.get("model:scientist").split("/")[0];
    assertSameAnswer(
        send(resolve("GET /api/v1/models/{model:scientist}", "-"), "OTHER_SCIENTIST"),
        send(new Call(HttpMethod.GET, "/api/v1/models/model_none/versions/1", null), "SCIENTIST"),
        model,
        "model_none");
    assertSameAnswer(
        send(resolve("GET /api/v1/lineage/models/{model:scientist}", "-"), "OTHER_SCIENTIST"),
        send(
            new Call(HttpMethod.GET, "/api/v1/lineage/models/model_none/versions/1", null),
            "SCIENTIST"),
        model,
        "model_none");
  }

  /** Naming another key's upload or training set fails as naming one that does not exist. */
  @Test
  void anotherKeysIdInARequestIsRefusedAsAMissingOne() {
    assertNamingRefusedAsMissing(
        "/api/v1/training-sets", "spine-of", objects.get("upload:scientist"), "spine.upload");
    assertNamingRefusedAsMissing(
        "/api/v1/models", "model-on", objects.get("training-set:scientist"), "trainingSets[0]");
  }

  /**
   * POSTs {@code body} naming the scientist's {@code object} as the other scientist, and naming an
   * id nobody used as the scientist: both answers must be the same 400 on {@code field}.
   */
  private void assertNamingRefusedAsMissing(String path, String body, String object, String field) {
    String missing = UUID.randomUUID().toString();
    ResponseEntity<String> others =
        send(new Call(HttpMethod.POST, path, naming(body, object)), "OTHER_SCIENTIST");
    ResponseEntity<String> absent =
        send(new Call(HttpMethod.POST, path, naming(body, missing)), "SCIENTIST");
    assertThat(JsonPath.<String>read(others.getBody(), "$.errors[0].field")).isEqualTo(field);
    assertSameAnswer(others, absent, object, missing);
  }

  private static String naming(String body, String object) {
    return BODIES.get(body).replace("{n}", "x").replace("{object}", object);
  }

  @Test
  void listsAndGroupLineageShowOnlyWhatTheCallerMaySee() {
    List<String> trainingSets = objectIds("training-set:");
    List<String> models = List.of(modelName("scientist"), modelName("admin"), modelName("legacy"));
    String groupLineage = "/api/v1/lineage/feature-groups/user_activity";
    String own = objects.get("training-set:scientist");

    assertShows("SCIENTIST", "/api/v1/training-sets", "$[*].id", trainingSets, own);
    assertShows("SCIENTIST", groupLineage, "$.trainingSets[*].id", trainingSets, own);
    assertShows("SCIENTIST", "/api/v1/models", "$[*].name", models, modelName("scientist"));
    assertShows("SCIENTIST", groupLineage, "$.models[*].name", models, modelName("scientist"));
    assertShows("OTHER_SCIENTIST", "/api/v1/training-sets", "$[*].id", trainingSets);
    assertShows("OTHER_SCIENTIST", groupLineage, "$.trainingSets[*].id", trainingSets);
    assertShows("OTHER_SCIENTIST", "/api/v1/models", "$[*].name", models);
    assertShows("OTHER_SCIENTIST", groupLineage, "$.models[*].name", models);
    assertShows(
        "COMPLIANCE",
        "/api/v1/training-sets",
        "$[*].id",
        trainingSets,
        trainingSets.toArray(String[]::new));
    assertShows(
        "COMPLIANCE",
        groupLineage,
        "$.trainingSets[*].id",
        trainingSets,
        trainingSets.toArray(String[]::new));
    assertShows("COMPLIANCE", "/api/v1/models", "$[*].name", models, models.toArray(String[]::new));
    assertShows(
        "COMPLIANCE", groupLineage, "$.models[*].name", models, models.toArray(String[]::new));
  }

  /**
   * Of the {@code fixtures} (ids or names), the answer at {@code path} lists just {@code visible}.
   */
  private void assertShows(
      String caller, String path, String jsonPath, List<String> fixtures, String... visible) {
    List<String> listed =
        JsonPath.read(send(new Call(HttpMethod.GET, path, null), caller).getBody(), jsonPath);
    assertThat(listed)
        .as(caller + " " + path)
        .filteredOn(fixtures::contains)
        .containsExactlyInAnyOrder(visible);
  }

  private static List<String> objectIds(String kind) {
    return objects.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(kind))
        .map(Map.Entry::getValue)
        .toList();
  }

  private static String modelName(String owner) {
    return objects.get("model:" + owner).split("/")[0];
  }

  private static void assertSameAnswer(
      ResponseEntity<String> others, ResponseEntity<String> missing, String id, String missingId) {
    assertThat(others.getStatusCode()).isEqualTo(missing.getStatusCode());
    assertThat(others.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(others.getBody().replace(id, missingId)).isEqualTo(missing.getBody());
  }

  /** Refusals and bad requests are problem+json; a 401 also says how to authenticate. */
  private static String problemOf(ResponseEntity<String> response, int expected) {
    if (expected < 400) {
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

  /** The call a matrix row describes, with its objects and a fresh number filled in. */
  private Call resolve(String endpoint, String bodyName) {
    String n = Integer.toString(fresh.incrementAndGet());
    String[] methodAndPath = endpoint.split(" ");
    HttpMethod method = HttpMethod.valueOf(methodAndPath[0]);
    String path = fillObjects(methodAndPath[1]);
    if (path.contains("{fresh-key}")) {
      path = path.replace("{fresh-key}", issue("MODEL_SERVER").id());
    }
    if (path.endsWith("/data")) {
      path += "?format=arrow";
    }
    if (path.endsWith("/compactions")) {
      // Two small files at least, so that every allowed compaction has something to merge.
      expect(send(resolve("POST /api/v1/feature-groups/user_activity/commits", "rows"), "ADMIN"))
          .isEqualTo(201);
    }
    if (bodyName.equals("-")) {
      return new Call(method, path, null);
    }
    if (bodyName.equals("spine-csv")) {
      return uploadCall();
    }
    String[] nameAndObject = bodyName.split(":", 2);
    String body = BODIES.get(nameAndObject[0]).replace("{n}", n);
    if (nameAndObject.length == 2) {
      body = body.replace("{object}", fillObjects(nameAndObject[1]));
    }
    return new Call(method, path, body);
  }

  private static String fillObjects(String text) {
    Matcher matcher = OBJECT.matcher(text);
    StringBuilder filled = new StringBuilder();
    while (matcher.find()) {
      String object = objects.get(matcher.group(1) + ":" + matcher.group(2));
      assertThat(object).as(matcher.group()).isNotNull();
      matcher.appendReplacement(filled, Matcher.quoteReplacement(object));
    }
    matcher.appendTail(filled);
    return filled.toString();
  }

  private static Call uploadCall() {
    return new Call(
        HttpMethod.POST, "/api/v1/uploads", SPINE_CSV, MediaType.parseMediaType("text/csv"));
  }

  private record IssuedKey(String id, String secret) {}

  private IssuedKey issue(String role) {
    ResponseEntity<String> issued =
        json(
            "POST",
            "/api/v1/api-keys",
            "{\"name\":\"" + role.toLowerCase(Locale.ROOT) + "\",\"role\":\"" + role + "\"}");
    expect(issued).isEqualTo(201);
    return new IssuedKey(
        JsonPath.read(issued.getBody(), "$.id"), JsonPath.read(issued.getBody(), "$.key"));
  }

  private static org.assertj.core.api.AbstractIntegerAssert<?> expect(
      ResponseEntity<String> response) {
    return assertThat(response.getStatusCode().value()).as(response.getBody());
  }

  private ResponseEntity<String> json(String method, String path, String body) {
    return send(new Call(HttpMethod.valueOf(method), path, body), "ADMIN");
  }

  private ResponseEntity<String> send(Call call, String caller) {
    return send("", call, caller);
  }

  /**
   * @param root the server to call: empty for the main port, else a URI of scheme, host and port
   */
  private ResponseEntity<String> send(String root, Call call, String caller) {
    HttpHeaders headers = new HttpHeaders();
    String secret = secrets.get(caller);
    if (secret != null) {
      headers.setBearerAuth(secret);
    }
    if (call.body() != null) {
      headers.setContentType(call.contentType());
    }
    return http.exchange(
        root + call.path(), call.method(), new HttpEntity<>(call.body(), headers), String.class);
  }
}
