package dev.featurestore.api.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.StoredRows;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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

/**
 * Erasing a key end to end: every stored object loses its rows (feature files of every retained
 * version, uploaded spines and training-set outputs), other keys' rows stay as they were in every
 * version, online lookups stop finding it, lineage shows the erasure and the receipt names the
 * models to retrain.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErasureIT {
  private static final String PARQUET = "application/vnd.apache.parquet";
  private static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    dataDir = Files.createTempDirectory("erasure-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired ObjectStore objects;
  @Autowired Catalog catalog;
  @Autowired FeatureGroupReader reader;
  private TestRestTemplate http;
  private String lastActivityCommit;
  private String parquetUpload;
  private String csvUpload;
  private String arrowUpload;

  @BeforeAll
  void defineGroups() throws Exception {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"activity","entity":"user_id","online":true,
         "features":[{"name":"clicks","type":"INT64"}]}
        """);
    post(
        "/api/v1/feature-groups",
        """
        {"name":"profile","entity":"user_id","features":[{"name":"country","type":"STRING"}]}
        """);
    commit("activity", "u1", "2026-03-01T00:00:00Z", "\"clicks\":1", "u2", "u3");
    commit("activity", "u1", "2026-03-02T00:00:00Z", "\"clicks\":2", "u2");
    commit("activity", "u3", "2026-03-03T00:00:00Z", "\"clicks\":3", "u4");
    // Compaction keeps the three files above for the older versions: they must be erased too.
    assertThat(post("/api/v1/feature-groups/activity/compactions", "{}").getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
    lastActivityCommit =
        JsonPath.read(
            commit("activity", "u2", "2026-03-04T00:00:00Z", "\"clicks\":4", "u5").getBody(),
            "$.commitId");
    commit("profile", "u1", "2026-01-01T00:00:00Z", "\"country\":\"NL\"", "u2");
    uploadSpines();
  }

  private void uploadSpines() throws Exception {
    // Outside the data dir, whose Parquet files the test scans for u1.
    Path bodies = Files.createTempDirectory("erasure-it-bodies");
    parquetUpload =
        upload(
            PARQUET,
            Files.readAllBytes(
                UploadBodies.parquet(
                    """
                    SELECT * FROM (VALUES
                      ('u1', TIMESTAMPTZ '2026-03-05 00:00:00+00', 1),
                      ('u2', TIMESTAMPTZ '2026-03-05 00:00:00+00', 0),
                      ('u1', TIMESTAMPTZ '2026-03-10 00:00:00+00', 1))
                      AS spine(user_id, event_time, label)
                    """,
                    bodies.resolve("spine.pq"))));
    csvUpload =
        upload(
            "text/csv",
            "user_id,event_time,label\nu3,2026-03-05T00:00:00Z,1\nu1,2026-03-06T00:00:00Z,0\n"
                .getBytes(StandardCharsets.UTF_8));
    arrowUpload =
        upload(
            "application/vnd.apache.arrow.stream",
            Files.readAllBytes(
                UploadBodies.arrowStream(
                    "SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-06 00:00:00+00' AS event_time",
                    bodies.resolve("spine.arrow"))));
  }

  @Test
  void erasedKeyIsGoneEverywhereAndEverythingElseIsUnchanged() throws Exception {
    String usingU1 = trainingSet("with_u1", lastActivityCommit, "u1", "u2", "u3");
    String withoutU1 = trainingSet("without_u1", lastActivityCommit, "u2", "u3");
    String groupSpine = groupSpineTrainingSet();
    String fromUpload = uploadTrainingSet(parquetUpload);
    Map<String, Object> csvUploadBefore = getJson("/api/v1/uploads/" + csvUpload);
    model("churn", "1", usingU1);
    model("churn", "2", withoutU1);
    model("ltv", "1", groupSpine, withoutU1);
    String outputWithoutU1Before = download(withoutU1);
    Map<Long, List<String>> activityBefore = StoredRows.everyVersion(catalog, reader, "activity");
    Map<Long, List<String>> profileBefore = StoredRows.everyVersion(catalog, reader, "profile");
    assertThat(online("u1")).isEqualTo("PRESENT");

    String erasureId = erase("u1");

    Map<String, Object> receipt = getJson("/api/v1/erasures/" + erasureId);
    assertThat(receipt.get("status")).isEqualTo("SUCCEEDED");
    assertThat(receipt.get("completedAt")).isNotNull();
    assertThat((List<String>) receipt.get("trainingSetsAffected"))
        .containsExactlyInAnyOrder(usingU1, groupSpine, fromUpload);
    assertThat((List<Map<String, String>>) receipt.get("modelsToRetrain"))
        .containsExactlyInAnyOrder(
            Map.of("name", "churn", "version", "1"), Map.of("name", "ltv", "version", "1"));
    // u1 rows: 2 in the compacted file, 2 in the retained originals, 1 in profile; as spine rows,
    // 1 in the inline spine and 2 in the group spine (one per activity row); in the uploads, 2 in
    // the Parquet one, 1 in the CSV one and the Arrow one's only row; 2 in the output of the
    // training set built from the Parquet upload.
    assertThat(((Number) receipt.get("rowsRemoved")).longValue()).isEqualTo(5 + 3 + 4 + 2);
    assertThat((List<?>) receipt.get("unreadableObjects")).isEmpty();

    Path scratch = Files.createTempDirectory(dataDir, "scan");
    StoredRows.everyObject(objects, scratch)
        .forEach(
            (objectKey, rows) ->
                assertThat(rows).as(objectKey).noneMatch(row -> StoredRows.hasCell(row, "u1")));
    // Nor does any local copy this server keeps (its object cache, read by training sets, online
    // indexes and compaction alike).
    StoredRows.everyParquetFile(dataDir)
        .forEach(
            (file, rows) ->
                assertThat(rows)
                    .as(file.toString())
                    .noneMatch(row -> StoredRows.hasCell(row, "u1")));
    assertSameRowsWithoutU1(activityBefore, StoredRows.everyVersion(catalog, reader, "activity"));
    assertSameRowsWithoutU1(profileBefore, StoredRows.everyVersion(catalog, reader, "profile"));
    assertThat(download(withoutU1)).isEqualTo(outputWithoutU1Before);

    // The uploads now hold the other keys' rows only, as Parquet; the Arrow one is empty but stays.
    assertUpload(parquetUpload, 1);
    assertUpload(csvUpload, 1);
    assertUpload(arrowUpload, 0);
    assertThat(getJson("/api/v1/uploads/" + csvUpload).get("columns"))
        .isEqualTo(csvUploadBefore.get("columns"));
    List<String> uploadRows =
        StoredRows.everyObject(objects, scratch).entrySet().stream()
            .filter(
                object ->
                    List.of(parquetUpload, csvUpload, arrowUpload).stream()
                        .anyMatch(id -> object.getKey().startsWith("uploads/" + id)))
            .flatMap(object -> object.getValue().stream())
            .toList();
    assertThat(uploadRows).hasSize(2);
    assertThat(uploadRows).anyMatch(row -> StoredRows.hasCell(row, "u2"));
    assertThat(uploadRows).anyMatch(row -> StoredRows.hasCell(row, "u3"));
    // A training set built from the rewritten upload is the rewritten output of one built before.
    assertThat(downloadParquet(uploadTrainingSet(parquetUpload)))
        .isEqualTo(downloadParquet(fromUpload));

    assertThat(online("u1")).isEqualTo("NOT_FOUND");
    assertThat(online("u2")).isEqualTo("PRESENT");

    String lineage = getString("/api/v1/lineage/entities/user_id/keys/u1");
    assertThat(JsonPath.<List<Object>>read(lineage, "$.featureGroups")).isEmpty();
    assertThat(JsonPath.<List<String>>read(lineage, "$.erasures[*].id")).containsExactly(erasureId);
    assertThat(JsonPath.<List<String>>read(lineage, "$.trainingSets[*].id"))
        .containsExactlyInAnyOrder(usingU1, groupSpine, fromUpload);
    String audit = getString("/api/v1/audit?entity=user_id&key=u1");
    assertThat(JsonPath.<List<String>>read(audit, "$.entries[*].action")).contains("ERASE");

    // A second erasure of the same key finds nothing left to remove.
    Map<String, Object> again = getJson("/api/v1/erasures/" + erase("u1"));
    assertThat(((Number) again.get("rowsRemoved")).longValue()).isZero();
    assertThat(((Number) again.get("filesRewritten")).longValue()).isZero();
  }

  @Test
  void theRewrittenOutputIsTheOutputTheTrainingSetWouldHaveHadWithoutTheKey() throws Exception {
    String commitWithU9 =
        JsonPath.read(
            commit("activity", "u9", "2026-03-02T12:00:00Z", "\"clicks\":9", "u2").getBody(),
            "$.commitId");
    String withU9 = trainingSet("rematerialised", commitWithU9, "u9", "u2", "u3");

    String erasureId = erase("u9");

    String neverHadU9 = trainingSet("rematerialised", commitWithU9, "u2", "u3");
    assertThat(downloadParquet(withU9)).isEqualTo(downloadParquet(neverHadU9));
    Map<String, Object> trainingSet = getJson("/api/v1/training-sets/" + withU9);
    assertThat(((Number) trainingSet.get("rowsErased")).longValue()).isEqualTo(1);
    assertThat(((Number) trainingSet.get("rows")).longValue()).isEqualTo(2);
    assertThat(JsonPath.<List<Object>>read(trainingSet.get("request"), "$.spine.rows")).hasSize(2);
    // u9's one row in the group, and its spine row in the training set.
    assertThat(((Number) getJson("/api/v1/erasures/" + erasureId).get("rowsRemoved")).longValue())
        .isEqualTo(1 + 1);
  }

  @Test
  void csvKeysOfAnIntegerEntityAreErasedAsTheIntegersTheySpell() throws Exception {
    post("/api/v1/entities", "{\"name\":\"account_id\",\"keyType\":\"INT64\"}");
    String accounts =
        upload(
            "text/csv",
            "account_id,event_time\n 42 ,2026-03-05T00:00:00Z\n7,2026-03-05T00:00:00Z\n"
                .getBytes(StandardCharsets.UTF_8));

    // "042" spells the INT64 key 42, as " 42 " does in the CSV.
    String erasureId = erase("account_id", "042");

    assertThat(((Number) getJson("/api/v1/erasures/" + erasureId).get("rowsRemoved")).longValue())
        .isEqualTo(1);
    assertUpload(accounts, 1);
    Path scratch = Files.createTempDirectory(dataDir, "scan");
    List<List<String>> uploaded =
        StoredRows.everyObject(objects, scratch).entrySet().stream()
            .filter(object -> object.getKey().startsWith("uploads/" + accounts))
            .map(Map.Entry::getValue)
            .toList();
    assertThat(uploaded).hasSize(1);
    assertThat(uploaded.get(0)).singleElement().matches(row -> StoredRows.hasCell(row, "7"));
  }

  @Test
  void anErasureOfAKeyFoundNowhereCommitsNothingAndLeavesOnlineIndexesAlone() throws Exception {
    List<Commit> activityBefore = catalog.commits("activity");
    List<Commit> profileBefore = catalog.commits("profile");

    String erasureId = erase("nobody_has_this_key");

    Map<String, Object> receipt = getJson("/api/v1/erasures/" + erasureId);
    assertThat(receipt.get("status")).isEqualTo("SUCCEEDED");
    assertThat(((Number) receipt.get("filesRewritten")).longValue()).isZero();
    assertThat(((Number) receipt.get("rowsRemoved")).longValue()).isZero();
    // No ERASURE commit: it would make every online index of the entity rebuild for nothing.
    assertThat(catalog.commits("activity")).isEqualTo(activityBefore);
    assertThat(catalog.commits("profile")).isEqualTo(profileBefore);
  }

  @Test
  void badRequestsNameTheFieldAndEraseNothing() {
    assertField(post("/api/v1/erasures", "{\"keys\":[\"u2\"]}"), "entity");
    assertField(post("/api/v1/erasures", "{\"entity\":\"nobody\",\"keys\":[\"u2\"]}"), "entity");
    assertField(post("/api/v1/erasures", "{\"entity\":\"user_id\",\"keys\":[]}"), "keys");
    assertField(post("/api/v1/erasures", "{\"entity\":\"user_id\",\"keys\":[\"\"]}"), "keys[0]");
    // A key an entity cannot have would erase nothing, silently.
    post("/api/v1/entities", "{\"name\":\"device_id\",\"keyType\":\"INT64\"}");
    assertField(
        post("/api/v1/erasures", "{\"entity\":\"device_id\",\"keys\":[\"7\",\"x7\"]}"), "keys[1]");
    assertField(
        http.getForEntity("/api/v1/lineage/entities/device_id/keys/x7", String.class), "key");
    assertThat(
            http.getForEntity("/api/v1/erasures/" + java.util.UUID.randomUUID(), String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(online("u2")).isEqualTo("PRESENT");
  }

  private static void assertSameRowsWithoutU1(
      Map<Long, List<String>> before, Map<Long, List<String>> after) {
    before.forEach(
        (sequence, rows) ->
            assertThat(after.get(sequence))
                .as("rows as of version %d", sequence)
                .isEqualTo(rows.stream().filter(row -> !row.startsWith("u1,")).toList()));
  }

  private String erase(String key) throws InterruptedException {
    return erase("user_id", key);
  }

  private String erase(String entity, String key) throws InterruptedException {
    ResponseEntity<String> accepted =
        post(
            "/api/v1/erasures",
            "{\"entity\":\""
                + entity
                + "\",\"keys\":[\""
                + key
                + "\"],\"reason\":\"GDPR art. 17\"}");
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    String id = JsonPath.read(accepted.getBody(), "$.id");
    awaitJob(accepted.getHeaders().getLocation().getPath());
    return id;
  }

  private void awaitJob(String path) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    String status = "PENDING";
    while (!status.equals("SUCCEEDED") && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      String job = getString(path);
      status = JsonPath.read(job, "$.status");
      assertThat(status).as(job).isIn("PENDING", "RUNNING", "SUCCEEDED");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
  }

  private String trainingSet(String name, String asOf, String... keys) {
    List<String> rows = new ArrayList<>();
    for (String key : keys) {
      rows.add("{\"user_id\":\"" + key + "\",\"event_time\":\"2026-03-05T00:00:00Z\",\"label\":1}");
    }
    ResponseEntity<String> created =
        post(
            "/api/v1/training-sets",
            "{\"name\":\""
                + name
                + "\",\"spine\":{\"rows\":["
                + String.join(",", rows)
                + "]},\"features\":[\"activity:clicks\",\"profile:country\"],\"asOf\":\""
                + asOf
                + "\"}");
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    return JsonPath.read(created.getBody(), "$.id");
  }

  private String groupSpineTrainingSet() throws InterruptedException {
    ResponseEntity<String> accepted =
        post(
            "/api/v1/training-sets",
            "{\"name\":\"from_group\",\"spine\":{\"featureGroup\":\"activity\"},"
                + "\"features\":[\"profile:country\"]}");
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    awaitJob(accepted.getHeaders().getLocation().getPath());
    return JsonPath.read(accepted.getBody(), "$.trainingSetId");
  }

  private String uploadTrainingSet(String uploadId) throws InterruptedException {
    ResponseEntity<String> accepted =
        post(
            "/api/v1/training-sets",
            "{\"name\":\"from_upload\",\"spine\":{\"upload\":\""
                + uploadId
                + "\"},\"features\":[\"activity:clicks\",\"profile:country\"],\"asOf\":\""
                + lastActivityCommit
                + "\"}");
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    awaitJob(accepted.getHeaders().getLocation().getPath());
    return JsonPath.read(accepted.getBody(), "$.trainingSetId");
  }

  private String upload(String contentType, byte[] body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(MediaType.parseMediaType(contentType));
    ResponseEntity<String> created =
        http.exchange(
            "/api/v1/uploads", HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    return JsonPath.read(created.getBody(), "$.id");
  }

  private void assertUpload(String id, long rows) {
    Map<String, Object> upload = getJson("/api/v1/uploads/" + id);
    assertThat(upload.get("contentType")).as(id).isEqualTo(PARQUET);
    assertThat(((Number) upload.get("rows")).longValue()).as(id).isEqualTo(rows);
  }

  private void model(String name, String version, String... trainingSets) {
    post(
        "/api/v1/models",
        "{\"name\":\""
            + name
            + "\",\"version\":\""
            + version
            + "\",\"trainingSets\":[\""
            + String.join("\",\"", trainingSets)
            + "\"]}");
  }

  private ResponseEntity<String> commit(
      String group, String key, String eventTime, String feature, String... otherKeys) {
    List<String> rows = new ArrayList<>();
    for (String each : concat(key, otherKeys)) {
      rows.add(
          "{\"user_id\":\"" + each + "\",\"event_time\":\"" + eventTime + "\"," + feature + "}");
    }
    ResponseEntity<String> created =
        post(
            "/api/v1/feature-groups/" + group + "/commits",
            "{\"rows\":[" + String.join(",", rows) + "]}");
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    return created;
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(rest));
    return all;
  }

  private String online(String key) {
    String answer =
        post(
                "/api/v1/online-features",
                "{\"features\":[\"activity:clicks\"],\"entities\":{\"user_id\":[\"" + key + "\"]}}")
            .getBody();
    return JsonPath.read(answer, "$.results[1].statuses[0]");
  }

  private String download(String id) {
    return getString("/api/v1/training-sets/" + id + "/data?format=csv");
  }

  private byte[] downloadParquet(String id) {
    return http.getForEntity("/api/v1/training-sets/" + id + "/data?format=parquet", byte[].class)
        .getBody();
  }

  private static void assertField(ResponseEntity<String> response, String field) {
    assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field")).isEqualTo(field);
  }

  private Map<String, Object> getJson(String path) {
    return JsonPath.read(getString(path), "$");
  }

  private String getString(String path) {
    ResponseEntity<String> response = http.getForEntity(path, String.class);
    assertThat(response.getStatusCode())
        .as(path + ": " + response.getBody())
        .isEqualTo(HttpStatus.OK);
    return response.getBody();
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
