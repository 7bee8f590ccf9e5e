package dev.featurestore.api.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.testing.DamagedArrowStreams;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Spines uploaded as files: checked on arrival, then named by training-set requests. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadSpineIT {
  private static final String CSV = "text/csv";
  private static final String PARQUET = "application/vnd.apache.parquet";
  private static final String ARROW = "application/vnd.apache.arrow.stream";

  /** u1 has rows on 03-01 and 03-10; u2 has none. */
  private static final String SPINE_QUERY =
      """
      SELECT * FROM (VALUES
        ('u1', TIMESTAMPTZ '2026-03-05 00:00:00+00', 1),
        ('u2', TIMESTAMPTZ '2026-03-05 00:00:00+00', 0),
        ('u1', TIMESTAMPTZ '2026-03-10 00:00:00+00', 1)) AS spine(user_id, event_time, label)
      """;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    Path dataDir = Files.createTempDirectory("upload-spine-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  private TestRestTemplate http;

  @BeforeAll
  void defineAGroup() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    send(
        MediaType.APPLICATION_JSON_VALUE,
        "/api/v1/entities",
        json("{\"name\":\"user_id\",\"keyType\":\"STRING\"}"));
    send(
        MediaType.APPLICATION_JSON_VALUE,
        "/api/v1/feature-groups",
        json(
            "{\"name\":\"user_activity\",\"entity\":\"user_id\","
                + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}"));
    ResponseEntity<String> commit =
        send(
            MediaType.APPLICATION_JSON_VALUE,
            "/api/v1/feature-groups/user_activity/commits",
            json(
                """
                {"rows":[
                  {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","clicks_7d":1},
                  {"user_id":"u1","event_time":"2026-03-10T00:00:00Z","clicks_7d":2}]}
                """));
    assertThat(commit.getStatusCode()).isEqualTo(HttpStatus.CREATED);
  }

  @Test
  void csvSpineJoinsLikeTheSameInlineSpine() throws InterruptedException {
    ResponseEntity<String> uploaded =
        send(
            CSV,
            "/api/v1/uploads",
            json(
                "user_id,event_time,label\n"
                    + "u1,2026-03-05T00:00:00Z,1\n"
                    + "u2,2026-03-05T00:00:00Z,0\n"
                    + "u1,2026-03-10T00:00:00Z,1\n"));
    assertThat(uploaded.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(JsonPath.<Integer>read(uploaded.getBody(), "$.rows")).isEqualTo(3);
    assertThat(JsonPath.<List<String>>read(uploaded.getBody(), "$.columns[*].type"))
        .containsExactly("STRING", "TIMESTAMP", "STRING");
    String id = JsonPath.read(uploaded.getBody(), "$.id");
    assertThat(http.getForEntity("/api/v1/uploads/" + id, String.class).getBody())
        .contains("\"rows\":3");

    List<Map<String, Object>> rows = rowsOf(buildFromUpload(id));
    assertThat(rows).extracting(row -> row.get("user_id")).containsExactly("u1", "u2", "u1");
    assertThat(rows).extracting(row -> row.get("clicks_7d")).containsExactly(1, null, 2);
    // CSV cells pass through as text.
    assertThat(rows).extracting(row -> row.get("label")).containsExactly("1", "0", "1");

    ResponseEntity<String> inline =
        send(
            MediaType.APPLICATION_JSON_VALUE,
            "/api/v1/training-sets",
            json(
                """
                {"name":"inline","features":["user_activity:clicks_7d"],"spine":{"rows":[
                  {"user_id":"u1","event_time":"2026-03-05T00:00:00Z"},
                  {"user_id":"u2","event_time":"2026-03-05T00:00:00Z"},
                  {"user_id":"u1","event_time":"2026-03-10T00:00:00Z"}]}}
                """));
    List<Map<String, Object>> inlineRows = rowsOf(JsonPath.read(inline.getBody(), "$.id"));
    assertThat(rows)
        .extracting(row -> List.of(row.get("event_time"), String.valueOf(row.get("clicks_7d"))))
        .isEqualTo(
            inlineRows.stream()
                .map(row -> List.of(row.get("event_time"), String.valueOf(row.get("clicks_7d"))))
                .toList());
  }

  @Test
  void parquetAndArrowSpinesKeepTheirColumnTypes(@TempDir Path folder) throws Exception {
    byte[] parquet = Files.readAllBytes(UploadBodies.parquet(SPINE_QUERY, folder.resolve("s.pq")));
    byte[] arrow =
        Files.readAllBytes(UploadBodies.arrowStream(SPINE_QUERY, folder.resolve("s.arrow")));
    for (Map.Entry<String, byte[]> body : Map.of(PARQUET, parquet, ARROW, arrow).entrySet()) {
      ResponseEntity<String> uploaded = send(body.getKey(), "/api/v1/uploads", body.getValue());
      assertThat(uploaded.getStatusCode()).as(body.getKey()).isEqualTo(HttpStatus.CREATED);
      List<Map<String, Object>> rows =
          rowsOf(buildFromUpload(JsonPath.read(uploaded.getBody(), "$.id")));
      assertThat(rows)
          .as(body.getKey())
          .extracting(row -> List.of(row.get("user_id"), row.get("label"), row.get("event_time")))
          .containsExactly(
              List.of("u1", 1, "2026-03-05T00:00:00Z"),
              List.of("u2", 0, "2026-03-05T00:00:00Z"),
              List.of("u1", 1, "2026-03-10T00:00:00Z"));
      assertThat(rows).extracting(row -> row.get("clicks_7d")).containsExactly(1, null, 2);
    }
  }

  @Test
  void uploadsWithoutAZonedSpineTimeAreRejectedNamingTheField(@TempDir Path folder)
      throws Exception {
    assertRejected(CSV, json("user_id,label\nu1,1\n"), "event_time");
    assertRejected(
        CSV,
        json("user_id,event_time\nu1,2026-03-05T00:00:00Z\nu2,2026-03-05T00:00:00\n"),
        "rows[1].event_time");
    assertRejected(CSV, json("user_id,event_time\nu1,\n"), "rows[0].event_time");
    String zoneless = "SELECT 'u1' AS user_id, TIMESTAMP '2026-03-05 00:00:00' AS event_time";
    assertRejected(
        PARQUET,
        Files.readAllBytes(UploadBodies.parquet(zoneless, folder.resolve("zoneless.pq"))),
        "event_time");
    assertRejected(
        ARROW,
        Files.readAllBytes(UploadBodies.arrowStream(zoneless, folder.resolve("zoneless.arrow"))),
        "event_time");
    assertRejected(PARQUET, json("not parquet at all"), "body");

    ResponseEntity<String> asJson =
        send(MediaType.APPLICATION_JSON_VALUE, "/api/v1/uploads", json("{\"rows\":[]}"));
    assertThat(asJson.getStatusCode()).isEqualTo(HttpStatus.UNSUPPORTED_MEDIA_TYPE);
  }

  @Test
  void damagedParquetSpineIsBadInputNotAStorageFault(@TempDir Path folder) throws Exception {
    byte[] parquet =
        Files.readAllBytes(UploadBodies.parquet(SPINE_QUERY, folder.resolve("damaged.pq")));
    // The first page header follows the 4-byte magic; zeroed, it ends before its required fields,
    // and the Parquet reader fails with an IOException of a local file, not of the object store.
    java.util.Arrays.fill(parquet, 4, 12, (byte) 0);
    assertRejected(PARQUET, parquet, "body");
  }

  @Test
  void trainingSetsNamingAnUnfitUploadAreRejectedNamingTheField() {
    ResponseEntity<String> noKey =
        send(CSV, "/api/v1/uploads", json("customer,event_time\nc1,2026-03-05T00:00:00Z\n"));
    assertThat(noKey.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertSpineUploadRejected("\"" + JsonPath.read(noKey.getBody(), "$.id") + "\"", "user_id");
    assertSpineUploadRejected("\"00000000-0000-0000-0000-000000000000\"", "no upload");
    assertSpineUploadRejected("\"not-an-id\"", "upload id");
  }

  private void assertSpineUploadRejected(String upload, String detail) {
    ResponseEntity<String> response =
        send(
            MediaType.APPLICATION_JSON_VALUE,
            "/api/v1/training-sets",
            json(
                "{\"name\":\"bad\",\"features\":[\"user_activity:clicks_7d\"],"
                    + "\"spine\":{\"upload\":"
                    + upload
                    + "}}"));
    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field"))
        .isEqualTo("spine.upload");
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].message")).contains(detail);
  }

  @Test
  void arrowStreamsWhoseStringOffsetPointsPastItsDataAreRefusedNamingTheColumn(@TempDir Path folder)
      throws Exception {
    byte[] damaged = Files.readAllBytes(DamagedArrowStreams.stringOffsetPastItsData(folder));
    assertRejected(ARROW, damaged, "country");

    send(
        MediaType.APPLICATION_JSON_VALUE,
        "/api/v1/feature-groups",
        json(
            "{\"name\":\"profile\",\"entity\":\"user_id\","
                + "\"features\":[{\"name\":\"country\",\"type\":\"STRING\"}]}"));
    assertRejected("/api/v1/feature-groups/profile/commits", ARROW, damaged, "country");
  }

  private void assertRejected(String contentType, byte[] body, String field) {
    assertRejected("/api/v1/uploads", contentType, body, field);
  }

  private void assertRejected(String path, String contentType, byte[] body, String field) {
    ResponseEntity<String> response = send(contentType, path, body);
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field"))
        .as(response.getBody())
        .isEqualTo(field);
  }

  /** Builds a training set from the upload as a job, waits for it, returns the training set id. */
  private String buildFromUpload(String uploadId) throws InterruptedException {
    ResponseEntity<String> accepted =
        send(
            MediaType.APPLICATION_JSON_VALUE,
            "/api/v1/training-sets",
            json(
                "{\"name\":\"from_upload\",\"features\":[\"user_activity:clicks_7d\"],"
                    + "\"spine\":{\"upload\":\""
                    + uploadId
                    + "\"}}"));
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    String job = accepted.getHeaders().getLocation().getPath();
    String status = "PENDING";
    for (int attempt = 0; attempt < 200 && !status.equals("SUCCEEDED"); attempt++) {
      Thread.sleep(50);
      String view = http.getForEntity(job, String.class).getBody();
      status = JsonPath.read(view, "$.status");
      assertThat(status).as(view).isNotEqualTo("FAILED");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
    return JsonPath.read(accepted.getBody(), "$.trainingSetId");
  }

  private List<Map<String, Object>> rowsOf(String trainingSetId) {
    return JsonPath.read(
        http.getForEntity(
                "/api/v1/training-sets/" + trainingSetId + "/data?format=json", String.class)
            .getBody(),
        "$.rows");
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private ResponseEntity<String> send(String contentType, String path, byte[] body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.parseMediaType(contentType));
    return http.exchange(path, HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
  }
}
