package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.complex.FixedSizeListVector;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Commits over HTTP against the whole server: every bad upload is a problem+json naming the field
 * or row and leaves no commit and no object behind; retries are idempotent; concurrent commits all
 * land exactly once.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class CommitIT {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String PARQUET = "application/vnd.apache.parquet";
  private static final String ARROW = "application/vnd.apache.arrow.stream";
  private static final int MAX_UPLOAD_BYTES = 1 << 20;
  private static final int DIMENSION = 768;

  @TempDir static Path dataDir;
  @TempDir Path folder;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
    registry.add("feature-store.max-upload-size", () -> MAX_UPLOAD_BYTES + "B");
  }

  @Autowired TestRestTemplate anonymous;
  TestRestTemplate http;

  @org.junit.jupiter.api.BeforeEach
  void authenticateAsAdmin() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
  }

  @Autowired Catalog catalog;
  @Autowired ObjectStore objects;

  @Test
  void unknownFeatureGroupIsNotFound() {
    ResponseEntity<String> response =
        commit("no_such_group", MediaType.APPLICATION_JSON_VALUE, bytes(jsonRows("u1")), null);
    assertThat(response.getStatusCode().value()).isEqualTo(404);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void badJsonRowsNameTheRowAndColumnAndWriteNothing() throws IOException {
    String group = createGroup("bad_json");
    String good = "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"},";
    assertRejected(group, "{\"rows\":[" + good + "{\"event_time\":\"2026-03-01T00:00:00Z\"}]}")
        .isEqualTo("rows[1].user_id");
    assertRejected(
            group,
            "{\"rows\":[" + good + "{\"user_id\":null,\"event_time\":\"2026-03-01T00:00:00Z\"}]}")
        .isEqualTo("rows[1].user_id");
    assertRejected(group, "{\"rows\":[{\"user_id\":\"u1\",\"clicks_7d\":1}]}")
        .isEqualTo("rows[0].event_time");
    assertRejected(group, row("\"clicks_7d\":\"many\"")).isEqualTo("rows[0].clicks_7d");
    assertRejected(group, row("\"review_embedding\":[1,2,3]"))
        .isEqualTo("rows[0].review_embedding");
    assertRejected(
            group, "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00\"}]}")
        .isEqualTo("rows[0].event_time");
    assertRejected(
            group, "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2999-01-01T00:00:00Z\"}]}")
        .isEqualTo("rows[0].event_time");
    assertRejected(group, row("\"unknown_feature\":1")).isEqualTo("rows[0].unknown_feature");
    assertRejected(group, "{\"rows\":[{\"user_id\":\"u1\",\"event_").startsWith("rows[0]");
    assertRejected(group, "not json").isNotEmpty();
    assertNothingWritten(group);
  }

  /** Times before year 1 or beyond a long of microseconds are bad input, not a server failure. */
  @Test
  void eventTimesBeyondTheStorableTimesNameTheColumn() throws IOException {
    String group = createGroup("far_times");
    for (String time :
        List.of(
            "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z",
            "-200000-01-01T00:00:00Z")) {
      assertRejected(group, "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"" + time + "\"}]}")
          .isEqualTo("rows[0].event_time");
      assertRejected(group, "text/csv", "user_id,event_time\nu1," + time + "\n")
          .isEqualTo("rows[0].event_time");
    }
    assertNothingWritten(group);
  }

  /** Else the last of the two would silently win. */
  @Test
  void columnsGivenTwiceAreRefusedByName() throws IOException {
    String group = createGroup("twice");
    assertRejected(
            group,
            "text/csv",
            "user_id,event_time,clicks_7d,clicks_7d\nu1,2026-03-01T00:00:00Z,1,2\n")
        .isEqualTo("clicks_7d");
    ResponseEntity<String> json =
        commit(
            group,
            MediaType.APPLICATION_JSON_VALUE,
            bytes(row("\"clicks_7d\":1,\"clicks_7d\":2")),
            null);
    assertThat(json.getStatusCode().value()).as(json.getBody()).isEqualTo(400);
    assertThat(field(json)).isEqualTo("rows[0]");
    assertThat(json.getBody()).contains("clicks_7d");
    assertNothingWritten(group);

    ResponseEntity<String> definition =
        post(
            "/api/v1/feature-groups",
            """
            {"name":"twice_defined","name":"again","entity":"user_id",
             "features":[{"name":"clicks_7d","type":"INT64","type":"STRING"}]}
            """);
    assertThat(definition.getStatusCode().value()).as(definition.getBody()).isEqualTo(400);
    assertThat(field(definition)).isEqualTo("name");
    assertThat(definition.getBody()).contains("is given twice");
  }

  /** The field and a plain reason: no Java type names. */
  @Test
  void featureGroupsOfTheWrongShapeNameTheFieldPlainly() {
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    for (String[] wrong :
        new String[][] {
          {"\"features\":[\"clicks_7d\"]", "features[0]", "must be an object"},
          {"\"features\":\"clicks_7d\"", "features", "must be an array"},
          {"\"features\":[],\"ttl\":{}", "ttl", "must be an ISO-8601 duration"},
          {"\"features\":[],\"description\":[]", "description", "must be a string"}
        }) {
      ResponseEntity<String> response =
          post(
              "/api/v1/feature-groups",
              "{\"name\":\"wrong_shape\",\"entity\":\"user_id\"," + wrong[0] + "}");
      assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
      assertThat(field(response)).isEqualTo(wrong[1]);
      assertThat(response.getBody()).contains(wrong[2]).doesNotContain("FeatureRequest", "java");
    }
  }

  /** Its microseconds would overflow a long (and the catalog's check then failed: a 503). */
  @Test
  void aTtlBeyondTheStorableDurationNamesTheField() {
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    ResponseEntity<String> response =
        post(
            "/api/v1/feature-groups",
            """
            {"name":"forever","entity":"user_id","ttl":"P999999999D",
             "features":[{"name":"clicks_7d","type":"INT64"}]}
            """);

    assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
    assertThat(field(response)).isEqualTo("ttl");
  }

  @Test
  void badCsvIsRejectedAndWritesNothing() throws IOException {
    String group = createGroup("bad_csv");
    assertRejected(group, "text/csv", "user_id,event_time\n,2026-03-01T00:00:00Z\n")
        .isEqualTo("rows[0].user_id");
    assertRejected(group, "text/csv", "user_id,event_time,clicks_7d\nu1,2026-03-01T00:00:00Z,x\n")
        .isEqualTo("rows[0].clicks_7d");
    assertRejected(group, "text/csv", "user_id,event_time\nu1,\"2026-03-01T00:00:00Z\n")
        .isEqualTo("body");
    assertRejected(group, "text/csv", "").isEqualTo("body");
    assertNothingWritten(group);
  }

  @Test
  void badParquetAndArrowAreRejectedAndWriteNothing() throws Exception {
    String group = createGroup("bad_binary");
    String valid =
        "SELECT 'u' || i AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time,"
            + " i::BIGINT AS clicks_7d FROM range(2000) t(i)";
    byte[] parquet = Files.readAllBytes(UploadBodies.parquet(valid, folder.resolve("v.parquet")));
    byte[] arrow = Files.readAllBytes(UploadBodies.arrowStream(valid, folder.resolve("v.arrow")));
    assertRejected(group, PARQUET, Arrays.copyOf(parquet, parquet.length / 2)).isEqualTo("body");
    assertRejected(group, ARROW, Arrays.copyOf(arrow, arrow.length / 2)).isEqualTo("body");
    assertRejected(group, PARQUET, bytes("PAR1 not really PAR1")).isEqualTo("body");

    String naiveTime = "SELECT 'u1' AS user_id, TIMESTAMP '2026-03-01 00:00:00' AS event_time";
    // Parquet declares the column's type up front, so the column is at fault, not a row.
    assertRejected(group, PARQUET, parquetBody(naiveTime)).isEqualTo("event_time");
    assertRejected(group, ARROW, arrowBody(naiveTime)).isEqualTo("rows[0].event_time");

    String wrongSchema =
        "SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time, 1 AS nope";
    assertRejected(group, PARQUET, parquetBody(wrongSchema)).isEqualTo("nope");
    String wrongType =
        "SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time,"
            + " 'x' AS clicks_7d";
    assertRejected(group, ARROW, arrowBody(wrongType)).isEqualTo("rows[0].clicks_7d");
    String shortVector =
        "SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time,"
            + " [1, 2]::FLOAT[] AS review_embedding";
    assertRejected(group, PARQUET, parquetBody(shortVector)).isEqualTo("rows[0].review_embedding");
    assertNothingWritten(group);
  }

  @Test
  void oversizeBodyIsContentTooLarge() throws IOException {
    String group = createGroup("oversize");
    byte[] body = new byte[MAX_UPLOAD_BYTES + 1];
    Arrays.fill(body, (byte) ' ');
    ResponseEntity<String> response = commit(group, MediaType.APPLICATION_JSON_VALUE, body, null);
    assertThat(response.getStatusCode().value()).isEqualTo(413);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertNothingWritten(group);
  }

  @Test
  void unknownContentTypeIsUnsupportedMediaType() throws IOException {
    String group = createGroup("wrong_media_type");
    ResponseEntity<String> response = commit(group, "application/xml", bytes("<rows/>"), null);
    assertThat(response.getStatusCode().value()).isEqualTo(415);
    assertThat(field(response)).isEqualTo("Content-Type");
    assertNothingWritten(group);
  }

  @Test
  void vectorsOf768DimensionsRoundTripAsJsonParquetAndArrow() throws Exception {
    String group = createGroup("embeddings");
    StringBuilder vector = new StringBuilder("[");
    for (int i = 0; i < DIMENSION; i++) {
      vector.append(i == 0 ? "" : ",").append(i * 0.25f - 7);
    }
    vector.append(']');
    assertCreated(
        commit(
            group,
            MediaType.APPLICATION_JSON_VALUE,
            bytes(row("\"review_embedding\":" + vector)),
            null));
    String query =
        "SELECT 'u2' AS user_id, TIMESTAMPTZ '2026-03-01 00:00:00+00' AS event_time,"
            + " list_transform(range("
            + DIMENSION
            + "), i -> (i * 0.25 - 7)::FLOAT)::FLOAT[] AS review_embedding";
    assertCreated(commit(group, PARQUET, parquetBody(query), null));
    assertCreated(commit(group, ARROW, arrowBody(query.replace("'u2'", "'u3'")), null));

    List<float[]> stored = new ArrayList<>();
    FeatureGroup featureGroup = catalog.featureGroup(group).orElseThrow();
    try (RootAllocator allocator = new RootAllocator()) {
      new FeatureGroupReader(
              catalog,
              new ObjectCache(objects, folder.resolve("cache")),
              allocator,
              Executors.newVirtualThreadPerTaskExecutor())
          .snapshot(featureGroup, catalog.latestSequence(group))
          .forEachBatch(
              FeatureFileScan.features(List.of("review_embedding")),
              batch -> {
                FixedSizeListVector vectors =
                    (FixedSizeListVector) batch.getVector("review_embedding");
                for (int row = 0; row < batch.getRowCount(); row++) {
                  List<?> values = vectors.getObject(row);
                  float[] floats = new float[values.size()];
                  for (int i = 0; i < floats.length; i++) {
                    floats[i] = ((Number) values.get(i)).floatValue();
                  }
                  stored.add(floats);
                }
              });
    }
    assertThat(stored).hasSize(3);
    for (float[] floats : stored) {
      assertThat(floats).hasSize(DIMENSION);
      for (int i = 0; i < DIMENSION; i++) {
        assertThat(floats[i]).isEqualTo(i * 0.25f - 7);
      }
    }
  }

  @Test
  void retryWithTheSameIdempotencyKeyReturnsTheFirstCommit() throws IOException {
    String group = createGroup("idempotent");
    byte[] body = bytes(jsonRows("u1", "u2"));
    ResponseEntity<String> first = commit(group, MediaType.APPLICATION_JSON_VALUE, body, "key-1");
    assertCreated(first);
    int objectsAfterFirst = objects.list(ObjectLayout.featureGroup(group)).size();

    ResponseEntity<String> retried = commit(group, MediaType.APPLICATION_JSON_VALUE, body, "key-1");
    assertCreated(retried);
    assertThat(JSON.readTree(retried.getBody())).isEqualTo(JSON.readTree(first.getBody()));

    ResponseEntity<String> reused =
        commit(group, MediaType.APPLICATION_JSON_VALUE, bytes(jsonRows("u3")), "key-1");
    assertThat(reused.getStatusCode().value()).isEqualTo(409);
    assertThat(reused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

    assertThat(catalog.commits(group)).hasSize(1);
    assertThat(objects.list(ObjectLayout.featureGroup(group))).hasSize(objectsAfterFirst);
  }

  @Test
  void compactionMergesSmallFilesAsANewCommit() throws IOException {
    String group = createGroup("compacted");
    commitOneRowEach(group, 3);
    String compactions = "/api/v1/feature-groups/" + group + "/compactions";
    ResponseEntity<String> compacted = http.postForEntity(compactions, null, String.class);
    assertCreated(compacted);
    assertThat(JSON.readTree(compacted.getBody()).get("sequence").asLong()).isEqualTo(4);
    assertThat(catalog.commits(group).get(3).kind().name()).isEqualTo("COMPACTION");
    assertThat(http.postForEntity(compactions, null, String.class).getStatusCode().value())
        .isEqualTo(204);
  }

  @Test
  void commitsAreListedInPagesLinkedToTheNext() throws IOException {
    String group = createGroup("paged");
    commitOneRowEach(group, 5);
    List<List<Long>> pages = new ArrayList<>();
    String next = "/api/v1/feature-groups/" + group + "/commits?limit=2";
    while (next != null) {
      ResponseEntity<String> page = http.getForEntity(next, String.class);
      assertThat(page.getStatusCode().value()).as(page.getBody()).isEqualTo(200);
      List<Long> sequences = new ArrayList<>();
      JSON.readTree(page.getBody())
          .forEach(commit -> sequences.add(commit.get("sequence").asLong()));
      pages.add(sequences);
      String link = page.getHeaders().getFirst(HttpHeaders.LINK);
      next = link == null ? null : link.substring(1, link.indexOf(">; rel=\"next\""));
    }
    assertThat(pages).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L));

    String commits = "/api/v1/feature-groups/" + group + "/commits";
    assertThat(field(http.getForEntity(commits + "?after=-1", String.class))).isEqualTo("after");
    assertThat(field(http.getForEntity(commits + "?limit=0", String.class))).isEqualTo("limit");
    assertThat(field(http.getForEntity(commits + "?limit=10001", String.class))).isEqualTo("limit");
    assertThat(field(http.getForEntity(commits + "?limit=many", String.class))).isEqualTo("limit");
  }

  @Test
  void concurrentCommitsAreEachPresentExactlyOnce() throws Exception {
    String group = createGroup("concurrent");
    int threads = 6;
    int commitsPerThread = 4;
    List<Future<List<String>>> acknowledged = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int thread = 0; thread < threads; thread++) {
        int writer = thread;
        acknowledged.add(
            pool.submit(
                () -> {
                  List<String> commitIds = new ArrayList<>();
                  for (int i = 0; i < commitsPerThread; i++) {
                    String key = "t" + writer + "-c" + i;
                    ResponseEntity<String> response =
                        commit(
                            group,
                            MediaType.APPLICATION_JSON_VALUE,
                            bytes(jsonRows(key + "-a", key + "-b")),
                            null);
                    assertCreated(response);
                    commitIds.add(JSON.readTree(response.getBody()).get("commitId").asString());
                  }
                  return commitIds;
                }));
      }
    }
    Set<String> acknowledgedIds = new HashSet<>();
    for (Future<List<String>> commits : acknowledged) {
      acknowledgedIds.addAll(commits.get());
    }
    assertThat(acknowledgedIds).hasSize(threads * commitsPerThread);

    JsonNode listed =
        JSON.readTree(
            http.getForObject("/api/v1/feature-groups/" + group + "/commits", String.class));
    List<String> listedIds = new ArrayList<>();
    List<Long> sequences = new ArrayList<>();
    for (JsonNode commit : listed) {
      listedIds.add(commit.get("id").asString());
      sequences.add(commit.get("sequence").asLong());
    }
    assertThat(listedIds).containsExactlyInAnyOrderElementsOf(acknowledgedIds);
    assertThat(sequences)
        .containsExactlyElementsOf(
            Stream.iterate(1L, s -> s + 1).limit((long) threads * commitsPerThread).toList());

    List<String> keys = new ArrayList<>();
    FeatureGroup featureGroup = catalog.featureGroup(group).orElseThrow();
    try (RootAllocator allocator = new RootAllocator()) {
      new FeatureGroupReader(
              catalog,
              new ObjectCache(objects, folder.resolve("cache")),
              allocator,
              Executors.newVirtualThreadPerTaskExecutor())
          .snapshot(featureGroup, catalog.latestSequence(group))
          .forEachBatch(
              FeatureFileScan.features(List.of()),
              batch -> {
                for (int row = 0; row < batch.getRowCount(); row++) {
                  keys.add(batch.getVector("user_id").getObject(row).toString());
                }
              });
    }
    assertThat(keys).hasSize(2 * threads * commitsPerThread).doesNotHaveDuplicates();
  }

  private String createGroup(String name) {
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    ResponseEntity<String> created =
        post(
            "/api/v1/feature-groups",
            """
            {"name":"%s","entity":"user_id",
             "features":[{"name":"clicks_7d","type":"INT64"},{"name":"score","type":"FLOAT64"},
                         {"name":"review_embedding","type":"FLOAT32_VECTOR","dimension":%d}]}
            """
                .formatted(name, DIMENSION));
    assertThat(created.getStatusCode().value()).isEqualTo(201);
    return name;
  }

  /** Commits {@code count} times, one row (keys u0, u1, ...) each. */
  private void commitOneRowEach(String group, int count) {
    for (int i = 0; i < count; i++) {
      assertCreated(
          commit(group, MediaType.APPLICATION_JSON_VALUE, bytes(jsonRows("u" + i)), null));
    }
  }

  private static String row(String extraColumns) {
    return "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\","
        + extraColumns
        + "}]}";
  }

  private static String jsonRows(String... keys) {
    StringBuilder body = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < keys.length; i++) {
      body.append(i == 0 ? "" : ",")
          .append("{\"user_id\":\"")
          .append(keys[i])
          .append("\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":")
          .append(i)
          .append('}');
    }
    return body.append("]}").toString();
  }

  private byte[] parquetBody(String query) throws Exception {
    return Files.readAllBytes(
        UploadBodies.parquet(query, folder.resolve(System.nanoTime() + ".parquet")));
  }

  private byte[] arrowBody(String query) throws Exception {
    return Files.readAllBytes(
        UploadBodies.arrowStream(query, folder.resolve(System.nanoTime() + ".arrow")));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private org.assertj.core.api.AbstractStringAssert<?> assertRejected(String group, String json) {
    return assertRejected(group, MediaType.APPLICATION_JSON_VALUE, bytes(json));
  }

  private org.assertj.core.api.AbstractStringAssert<?> assertRejected(
      String group, String contentType, String body) {
    return assertRejected(group, contentType, bytes(body));
  }

  /** Asserts a 400 problem+json and returns an assertion on the first field it names. */
  private org.assertj.core.api.AbstractStringAssert<?> assertRejected(
      String group, String contentType, byte[] body) {
    ResponseEntity<String> response = commit(group, contentType, body, null);
    assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(400);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    return assertThat(field(response)).as(response.getBody());
  }

  private static String field(ResponseEntity<String> response) {
    JsonNode errors = JSON.readTree(response.getBody()).get("errors");
    assertThat(errors).as(response.getBody()).isNotEmpty();
    return errors.get(0).get("field").asString();
  }

  private static void assertCreated(ResponseEntity<String> response) {
    assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(201);
  }

  private void assertNothingWritten(String group) throws IOException {
    assertThat(catalog.commits(group)).isEmpty();
    assertThat(objects.list(ObjectLayout.featureGroup(group))).isEmpty();
    try (Stream<Path> spooled = Files.list(dataDir.resolve("tmp"))) {
      assertThat(spooled).isEmpty();
    }
  }

  private ResponseEntity<String> commit(
      String group, String contentType, byte[] body, String idempotencyKey) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.CONTENT_TYPE, contentType);
    if (idempotencyKey != null) {
      headers.set("Idempotency-Key", idempotencyKey);
    }
    return http.exchange(
        "/api/v1/feature-groups/" + group + "/commits",
        HttpMethod.POST,
        new HttpEntity<>(body, headers),
        String.class);
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
