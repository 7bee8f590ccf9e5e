package dev.featurestore.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.OpenApiContract;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.online.OnlineListener;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Walks every endpoint of a real server, on both ports, with the answers that matter (success and
 * the main refusals), and checks each request and answer against the OpenAPI document the server
 * itself serves: the document cannot drift from the server without this test failing.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
class OpenApiConformanceIT {
  private static final String JSON = "application/json";
  private static final String CSV = "text/csv";
  private static final String PARQUET = "application/vnd.apache.parquet";
  private static final String ARROW = "application/vnd.apache.arrow.stream";
  private static final String EVENT_TIME = Instant.now().minus(Duration.ofHours(1)).toString();

  @TempDir static Path dataDir;
  @TempDir Path folder;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.online-port", () -> "0");
  }

  @LocalServerPort int port;
  @Autowired OnlineListener onlineListener;

  private final HttpClient http = HttpClient.newHttpClient();
  private OpenApiContract contract;
  // Every difference of the walk, so that one run reports them all.
  private final List<String> differences = new ArrayList<>();

  record Answer(int status, String body, HttpResponse<byte[]> response) {
    String json(String path) {
      return JsonPath.read(body, path).toString();
    }
  }

  @BeforeEach
  void readTheDocument() throws Exception {
    contract = OpenApiContract.servedBy(URI.create("http://localhost:" + port));
  }

  @Test
  void everyEndpointAnswersAsDocumented() throws Exception {
    // Entities
    expect(201, post("/api/v1/entities", JSON, "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"));
    expect(409, post("/api/v1/entities", JSON, "{\"name\":\"user_id\",\"keyType\":\"STRING\"}"));
    expect(400, post("/api/v1/entities", JSON, "{\"name\":\"user_id\"}"));
    expect(200, get("/api/v1/entities?limit=10"));
    expect(200, get("/api/v1/entities/user_id"));
    expect(404, get("/api/v1/entities/nobody"));
    expect(
        200,
        call(
            "PATCH",
            "/api/v1/entities/user_id",
            JSON,
            bytes("{\"owner\":\"growth\",\"tags\":[\"pii\"]}"),
            TestApiKeys.ADMIN_KEY));
    expect(401, call("GET", "/api/v1/entities", null, null, null));

    // Feature groups and their commits, in every format
    String group =
        """
        {"name":"user_activity","entity":"user_id","ttl":"P30D","online":true,
         "owner":"growth","tags":["web"],
         "features":[{"name":"clicks_7d","type":"INT64","description":"clicks in 7 days"}]}""";
    expect(201, post("/api/v1/feature-groups", JSON, group));
    expect(
        201,
        post(
            "/api/v1/feature-groups",
            JSON,
            "{\"name\":\"labels\",\"entity\":\"user_id\",\"features\":[{\"name\":\"label\",\"type\":\"INT32\"}]}"));
    expect(200, get("/api/v1/feature-groups?entity=user_id&online=true&limit=1"));
    expect(200, get("/api/v1/feature-groups/user_activity"));
    expect(
        200,
        call(
            "PATCH",
            "/api/v1/feature-groups/user_activity",
            JSON,
            bytes("{\"addFeatures\":[{\"name\":\"country\",\"type\":\"STRING\"}]}"),
            TestApiKeys.ADMIN_KEY));
    expect(
        201,
        post(
            "/api/v1/feature-groups/user_activity/commits",
            JSON,
            "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\""
                + EVENT_TIME
                + "\",\"clicks_7d\":3}]}"));
    expect(
        201,
        post(
            "/api/v1/feature-groups/user_activity/commits",
            CSV,
            "user_id,event_time,clicks_7d,country\nu2," + EVENT_TIME + ",5,NL\n"));
    String rowsQuery =
        "SELECT 'u3' AS user_id, TIMESTAMPTZ '"
            + EVENT_TIME
            + "' AS event_time, 7::BIGINT AS clicks_7d";
    expect(
        201,
        call(
            "POST",
            "/api/v1/feature-groups/user_activity/commits",
            PARQUET,
            Files.readAllBytes(UploadBodies.parquet(rowsQuery, folder.resolve("rows.parquet"))),
            TestApiKeys.ADMIN_KEY));
    expect(
        201,
        call(
            "POST",
            "/api/v1/feature-groups/user_activity/commits",
            ARROW,
            Files.readAllBytes(UploadBodies.arrowStream(rowsQuery, folder.resolve("rows.arrows"))),
            TestApiKeys.ADMIN_KEY));
    expect(
        201,
        post(
            "/api/v1/feature-groups/labels/commits",
            CSV,
            "user_id,event_time,label\nu1," + EVENT_TIME + ",1\n"));
    expect(400, post("/api/v1/feature-groups/user_activity/commits", CSV, "user_id\nu1\n"));
    expect(415, post("/api/v1/feature-groups/user_activity/commits", "text/plain", "rows"));
    expect(404, post("/api/v1/feature-groups/nothing/commits", CSV, "user_id\n"));
    expect(200, get("/api/v1/feature-groups/user_activity/commits?after=0&limit=2"));
    // Discovery: search, statistics, previews
    expect(200, get("/api/v1/search?q=clicks&limit=1"));
    expect(400, get("/api/v1/search?q="));
    expect(200, get("/api/v1/feature-groups/user_activity/statistics"));
    expect(200, get("/api/v1/feature-groups/user_activity/statistics?asOf=" + EVENT_TIME));
    expect(200, get("/api/v1/feature-groups/user_activity/preview?limit=2"));
    expect(400, get("/api/v1/feature-groups/user_activity/preview?limit=0"));
    Answer compaction = post("/api/v1/feature-groups/user_activity/compactions", JSON, "");
    assertThat(compaction.status()).isIn(201, 204);

    // Spine uploads and training sets
    Answer upload = post("/api/v1/uploads", CSV, "user_id,event_time\nu1," + EVENT_TIME + "\n");
    expect(201, upload);
    expect(200, get("/api/v1/uploads/" + upload.json("$.id")));
    expect(415, post("/api/v1/uploads", JSON, "{\"rows\":[]}"));
    String inline =
        """
        {"name":"churn","spine":{"rows":[{"user_id":"u1","event_time":"%s","label":1}]},
         "features":["user_activity:clicks_7d",{"feature":"user_activity:country","as":"c"}]}"""
            .formatted(EVENT_TIME);
    Answer built = post("/api/v1/training-sets", JSON, inline);
    expect(201, built);
    String trainingSet = built.json("$.id");
    expect(400, post("/api/v1/training-sets", JSON, "{\"features\":[]}"));
    Answer fromUpload =
        post(
            "/api/v1/training-sets",
            JSON,
            "{\"name\":\"from_upload\",\"spine\":{\"upload\":\"%s\"},\"features\":[\"user_activity:*\"]}"
                .formatted(upload.json("$.id")));
    expect(202, fromUpload);
    awaitJob(fromUpload.json("$.jobId"));
    Answer fromGroup =
        post(
            "/api/v1/training-sets",
            JSON,
            "{\"name\":\"from_labels\",\"spine\":{\"featureGroup\":\"labels\"},\"features\":[\"user_activity:clicks_7d\"]}");
    expect(202, fromGroup);
    awaitJob(fromGroup.json("$.jobId"));
    expect(200, get("/api/v1/training-sets?limit=1"));
    expect(200, get("/api/v1/training-sets?name=churn&status=READY"));
    expect(200, get("/api/v1/training-sets/" + trainingSet));
    for (String accept : List.of(PARQUET, ARROW, CSV, JSON)) {
      expect(200, getAccepting("/api/v1/training-sets/" + trainingSet + "/data", accept));
    }
    expect(200, get("/api/v1/training-sets/" + trainingSet + "/data?format=csv"));
    expect(404, get("/api/v1/training-sets/00000000-0000-0000-0000-000000000000"));
    expect(400, get("/api/v1/training-sets/not-a-uuid"));

    // Online lookups, on the main port and the online listener's
    String lookup =
        "{\"features\":[\"user_activity:clicks_7d\"],\"entities\":{\"user_id\":[\"u1\",\"nobody\"]}}";
    awaitOnline(lookup);
    expect(200, post("/api/v1/online-features", JSON, lookup));
    expect(200, post("/get-online-features", JSON, lookup));
    expect(400, post("/api/v1/online-features", JSON, "{\"features\":[]}"));
    int onlinePort = onlineListener.port().orElseThrow();
    expect(200, callPort(onlinePort, "POST", "/get-online-features", JSON, bytes(lookup)));
    expect(200, callPort(onlinePort, "POST", "/api/v1/online-features", JSON, bytes(lookup)));
    expect(200, callPort(onlinePort, "GET", "/health", null, null));
    expect(200, get("/api/v1/online-indexes"));

    // Models and lineage
    String model =
        "{\"name\":\"churn\",\"version\":\"1\",\"trainingSets\":[\"%s\"],\"uri\":\"s3://m/1\"}"
            .formatted(trainingSet);
    expect(201, post("/api/v1/models", JSON, model));
    expect(409, post("/api/v1/models", JSON, model));
    expect(200, get("/api/v1/models?name=churn&limit=5"));
    expect(200, get("/api/v1/models/churn/versions/1"));
    expect(200, get("/api/v1/lineage/entities/user_id/keys/u1"));
    expect(200, get("/api/v1/lineage/models/churn/versions/1"));
    expect(200, get("/api/v1/lineage/feature-groups/user_activity"));

    // Erasure, jobs, audit, keys
    expect(
        200, post("/api/v1/erasures/preview", JSON, "{\"entity\":\"user_id\",\"keys\":[\"u1\"]}"));
    Answer erasure =
        post(
            "/api/v1/erasures",
            JSON,
            "{\"entity\":\"user_id\",\"keys\":[\"u2\"],\"reason\":\"ask\"}");
    expect(202, erasure);
    awaitJob(erasure.json("$.jobId"));
    expect(200, get("/api/v1/erasures/" + erasure.json("$.id")));
    expect(409, post("/api/v1/jobs/" + erasure.json("$.jobId") + "/cancel", JSON, ""));
    expect(200, get("/api/v1/audit?entity=user_id&limit=5"));
    Answer key =
        post("/api/v1/api-keys", JSON, "{\"name\":\"reader\",\"role\":\"DATA_SCIENTIST\"}");
    expect(201, key);
    expect(200, get("/api/v1/api-keys"));
    expect(200, get("/api/v1/api-keys/current"));
    Answer grant =
        post(
            "/api/v1/grants",
            JSON,
            "{\"apiKeyId\":\""
                + key.json("$.id")
                + "\",\"classes\":[\"PII\"],\"scopes\":[\"OFFLINE\",\"ONLINE\"]}");
    expect(201, grant);
    expect(200, get("/api/v1/grants"));
    expect(
        200,
        call("DELETE", "/api/v1/grants/" + grant.json("$.id"), null, null, TestApiKeys.ADMIN_KEY));
    expect(
        200,
        call("DELETE", "/api/v1/api-keys/" + key.json("$.id"), null, null, TestApiKeys.ADMIN_KEY));
    assertThat(differences).isEmpty();
  }

  @Test
  void anAnswerTheDocumentDoesNotDescribeFailsTheCheck() throws Exception {
    // A 200 where the document says 201 is a drift the contract must catch.
    HttpResponse<byte[]> created =
        send(
            port,
            "POST",
            "/api/v1/entities",
            JSON,
            bytes("{\"name\":\"item_id\",\"keyType\":\"INT64\"}"),
            TestApiKeys.ADMIN_KEY);
    assertThatThrownBy(
            () ->
                contract.check(
                    "POST",
                    created.uri(),
                    Map.of("Content-Type", List.of(JSON)),
                    bytes("{\"name\":\"item_id\",\"keyType\":\"INT64\"}"),
                    200,
                    created.headers().map(),
                    created.body()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("differs from the OpenAPI document");
  }

  private void awaitJob(String job) throws Exception {
    for (int attempt = 0; attempt < 600; attempt++) {
      Answer answer = get("/api/v1/jobs/" + job);
      expect(200, answer);
      if (List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(answer.json("$.status"))) {
        assertThat(answer.json("$.status")).as(answer.body()).isEqualTo("SUCCEEDED");
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("job " + job + " did not finish");
  }

  /** The online index applies commits in the background: waits until u1 is PRESENT. */
  private void awaitOnline(String lookup) throws Exception {
    for (int attempt = 0; attempt < 600; attempt++) {
      Answer answer = post("/api/v1/online-features", JSON, lookup);
      if (answer.status() == 200 && answer.body().contains("\"PRESENT\",\"NOT_FOUND\"")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("u1 never became PRESENT online");
  }

  private static void expect(int status, Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
  }

  private Answer get(String path) throws Exception {
    return call("GET", path, null, null, TestApiKeys.ADMIN_KEY);
  }

  private Answer getAccepting(String path, String accept) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
            .header("Accept", accept)
            .build();
    return checked(request, null);
  }

  private Answer post(String path, String contentType, String body) throws Exception {
    return call("POST", path, contentType, bytes(body), TestApiKeys.ADMIN_KEY);
  }

  private Answer call(String method, String path, String contentType, byte[] body, String key)
      throws Exception {
    return checked(request(port, method, path, contentType, body, key), body);
  }

  private Answer callPort(int onPort, String method, String path, String contentType, byte[] body)
      throws Exception {
    return checked(request(onPort, method, path, contentType, body, TestApiKeys.ADMIN_KEY), body);
  }

  private HttpResponse<byte[]> send(
      int onPort, String method, String path, String contentType, byte[] body, String key)
      throws IOException, InterruptedException {
    return http.send(
        request(onPort, method, path, contentType, body, key),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpRequest request(
      int onPort, String method, String path, String contentType, byte[] body, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + onPort + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return request.build();
  }

  /** Sends the request and checks both it and its answer against the served document. */
  private Answer checked(HttpRequest request, byte[] body) throws Exception {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    try {
      // A refusal's request is often bad on purpose: only its answer must be as documented.
      if (response.statusCode() >= 400) {
        contract.checkResponse(
            request.method(),
            request.uri(),
            response.statusCode(),
            response.headers().map(),
            response.body());
        return answer(response);
      }
      contract.check(
          request.method(),
          request.uri(),
          request.headers().map(),
          body,
          response.statusCode(),
          response.headers().map(),
          response.body());
    } catch (AssertionError difference) {
      differences.add(difference.getMessage());
    }
    return answer(response);
  }

  private static Answer answer(HttpResponse<byte[]> response) {
    return new Answer(
        response.statusCode(), new String(response.body(), StandardCharsets.UTF_8), response);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
