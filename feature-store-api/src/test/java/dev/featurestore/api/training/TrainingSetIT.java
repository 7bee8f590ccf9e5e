package dev.featurestore.api.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.JsonPosts;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Training sets end to end: HTTP in, point-in-time join, Parquet out, reproducible. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrainingSetIT {
  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    // Not @TempDir: with a per-class lifecycle the context starts before JUnit injects it.
    Path dataDir = Files.createTempDirectory("training-set-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  private TestRestTemplate http;
  private String firstCommitId;

  @BeforeAll
  void defineGroups() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        "/api/v1/feature-groups",
        """
        {"name":"user_activity","entity":"user_id","ttl":"P30D",
         "features":[{"name":"clicks_7d","type":"INT64"},{"name":"country","type":"STRING"}]}
        """);
    post(
        "/api/v1/feature-groups",
        """
        {"name":"user_profile","entity":"user_id",
         "features":[{"name":"country","type":"STRING"}]}
        """);
    ResponseEntity<String> commit =
        post(
            "/api/v1/feature-groups/user_activity/commits",
            """
            {"rows":[
              {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","clicks_7d":1,"country":"NL"},
              {"user_id":"u1","event_time":"2026-03-10T00:00:00Z","clicks_7d":2,"country":"NL"},
              {"user_id":"u2","event_time":"2026-01-01T00:00:00Z","clicks_7d":9,"country":"FR"}
            ]}
            """);
    assertThat(commit.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    firstCommitId = JsonPath.read(commit.getBody(), "$.commitId");
    post(
        "/api/v1/feature-groups/user_profile/commits",
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-01-01T00:00:00Z\",\"country\":\"DE\"}]}");
  }

  @Test
  void joinsLatestValuesAtSpineTimeOneRowPerSpineRow() {
    // As of the first commit: another test commits a correction later.
    ResponseEntity<String> created = post("/api/v1/training-sets", request(asOf()));
    assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(JsonPath.<String>read(created.getBody(), "$.status")).isEqualTo("READY");
    String id = JsonPath.read(created.getBody(), "$.id");

    String json = download(id, "json");
    List<Map<String, Object>> rows = JsonPath.read(json, "$.rows");
    assertThat(rows).hasSize(5);
    // u1 at 03-05: the 03-01 row (the 03-10 row is later); label passes through.
    assertThat(rows.get(0)).containsEntry("clicks_7d", 1).containsEntry("label", 1);
    // Duplicate spine row kept, in spine order.
    assertThat(rows.get(1)).containsEntry("clicks_7d", 1);
    // u1 at 03-10: inclusive upper bound.
    assertThat(rows.get(2)).containsEntry("clicks_7d", 2);
    // u2 at 03-05: its only row is 63 days old, outside the 30-day TTL.
    assertThat(rows.get(3)).containsEntry("clicks_7d", null);
    // u3 has no rows at all.
    assertThat(rows.get(4)).containsEntry("clicks_7d", null).containsEntry("user_id", "u3");
    assertThat(download(id, "csv"))
        .startsWith("user_id,event_time,label,clicks_7d,profile_country\n");
  }

  @Test
  void arrowStreamDownloadHoldsTheParquetOutputsRows() throws IOException {
    String id = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    List<List<String>> parquetRows = parquetRows(downloadParquet(id));
    assertThat(parquetRows).hasSize(5);

    HttpHeaders accept = new HttpHeaders();
    accept.setAccept(List.of(MediaType.parseMediaType("application/vnd.apache.arrow.stream")));
    ResponseEntity<byte[]> byAccept =
        http.exchange(
            "/api/v1/training-sets/" + id + "/data",
            HttpMethod.GET,
            new HttpEntity<>(accept),
            byte[].class);
    assertThat(byAccept.getHeaders().getContentType().toString())
        .isEqualTo("application/vnd.apache.arrow.stream");
    byte[] byFormat =
        http.getForEntity("/api/v1/training-sets/" + id + "/data?format=arrow", byte[].class)
            .getBody();
    assertThat(byFormat).isEqualTo(byAccept.getBody());

    try (BufferAllocator allocator = new RootAllocator();
        ArrowStreamReader reader =
            new ArrowStreamReader(new ByteArrayInputStream(byFormat), allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      assertThat(batch.getSchema().getFields().stream().map(Field::getName))
          .containsExactly("user_id", "event_time", "label", "clicks_7d", "profile_country");
      List<List<String>> arrowRows = new ArrayList<>();
      while (reader.loadNextBatch()) {
        for (int row = 0; row < batch.getRowCount(); row++) {
          List<String> values = new ArrayList<>();
          for (FieldVector vector : batch.getFieldVectors()) {
            values.add(vector.isNull(row) ? null : String.valueOf(vector.getObject(row)));
          }
          arrowRows.add(values);
        }
      }
      assertThat(arrowRows).isEqualTo(parquetRows);
    }
  }

  /** Every cell as text, read by parquet-java's own record reader (not the server's). */
  private static List<List<String>> parquetRows(byte[] parquet) throws IOException {
    Path file = Files.createTempFile("training-set", ".parquet");
    try {
      Files.write(file, parquet);
      List<List<String>> rows = new ArrayList<>();
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
        MessageType schema = reader.getFooter().getFileMetaData().getSchema();
        for (PageReadStore pages = reader.readNextRowGroup();
            pages != null;
            pages = reader.readNextRowGroup()) {
          RecordReader<Group> records =
              new ColumnIOFactory()
                  .getColumnIO(schema)
                  .getRecordReader(pages, new GroupRecordConverter(schema));
          for (long row = 0; row < pages.getRowCount(); row++) {
            Group record = records.read();
            List<String> values = new ArrayList<>();
            for (int field = 0; field < schema.getFieldCount(); field++) {
              values.add(
                  record.getFieldRepetitionCount(field) == 0
                      ? null
                      : record.getValueToString(field, 0));
            }
            rows.add(values);
          }
        }
      }
      return rows;
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void downloadFormatIsNegotiatedWithQualities() {
    String id = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    Map<String, String> chosen =
        Map.of(
            "application/vnd.apache.arrow.stream, */*;q=0.1", "application/vnd.apache.arrow.stream",
            "text/csv;q=0.5, application/json", "application/json",
            "text/*", "text/csv",
            "*/*", "application/vnd.apache.parquet");
    chosen.forEach(
        (accept, contentType) ->
            assertThat(downloadAccepting(id, accept).getHeaders().getContentType().toString())
                .as(accept)
                .isEqualTo(contentType));
    assertThat(downloadAccepting(id, "application/json").getBody()).startsWith("{\"rows\":[");
    assertThat(downloadAccepting(id, "image/png").getStatusCode())
        .isEqualTo(HttpStatus.NOT_ACCEPTABLE);
  }

  @Test
  void downloadsAreAttachmentsNamedAfterTheSet() {
    String id = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    assertThat(
            http.getForEntity("/api/v1/training-sets/" + id + "/data?format=csv", String.class)
                .getHeaders()
                .getContentDisposition()
                .toString())
        .isEqualTo("attachment; filename=\"churn-" + id + ".csv\"");
    assertThat(
            http.getForEntity("/api/v1/training-sets/" + id + "/data?format=parquet", byte[].class)
                .getHeaders()
                .getContentDisposition()
                .getFilename())
        .isEqualTo("churn-" + id + ".parquet");
  }

  @Test
  void listsShowSummariesAPageAtATimeNewestFirst() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      created.add(
          JsonPath.read(
              post(
                      "/api/v1/training-sets",
                      request("").replace("\"name\":\"churn\"", "\"name\":\"paged\""))
                  .getBody(),
              "$.id"));
    }
    ResponseEntity<String> first =
        http.getForEntity("/api/v1/training-sets?name=paged&limit=2", String.class);
    assertThat(JsonPath.<List<String>>read(first.getBody(), "$[*].id"))
        .containsExactly(created.get(2), created.get(1));
    assertThat(JsonPath.<List<Object>>read(first.getBody(), "$[*].request")).isEmpty();
    assertThat(JsonPath.<List<Object>>read(first.getBody(), "$[*].inputs")).isEmpty();
    String next = first.getHeaders().getFirst(HttpHeaders.LINK);
    assertThat(next).endsWith(">; rel=\"next\"").contains("name=paged");
    ResponseEntity<String> second =
        http.getForEntity(
            URI.create(http.getRootUri() + next.substring(1, next.indexOf('>'))), String.class);
    assertThat(JsonPath.<List<String>>read(second.getBody(), "$[*].id"))
        .containsExactly(created.get(0));
    assertThat(second.getHeaders().get(HttpHeaders.LINK)).isNull();
    for (String query : List.of("limit=0", "limit=1001", "pageToken=%25%25")) {
      ResponseEntity<String> refused =
          http.getForEntity("/api/v1/training-sets?" + query, String.class);
      assertThat(refused.getStatusCode()).as(query).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(JsonPath.<String>read(refused.getBody(), "$.errors[0].field"))
          .isEqualTo(query.substring(0, query.indexOf('=')));
    }
  }

  @Test
  void namedListsPageByName() {
    ResponseEntity<String> first =
        http.getForEntity("/api/v1/feature-groups?limit=1", String.class);
    assertThat(JsonPath.<List<String>>read(first.getBody(), "$[*].name"))
        .containsExactly("user_activity");
    String next = first.getHeaders().getFirst(HttpHeaders.LINK);
    String rest =
        http.getForEntity(
                URI.create(http.getRootUri() + next.substring(1, next.indexOf('>'))), String.class)
            .getBody();
    assertThat(JsonPath.<List<String>>read(rest, "$[*].name")).containsExactly("user_profile");
    assertThat(
            JsonPath.<List<String>>read(
                http.getForEntity("/api/v1/feature-groups?entity=nobody", String.class).getBody(),
                "$[*].name"))
        .isEmpty();
    assertThat(
            http.getForEntity("/api/v1/entities?limit=1", String.class)
                .getHeaders()
                .get(HttpHeaders.LINK))
        .isNull();
  }

  private ResponseEntity<String> downloadAccepting(String id, String accept) {
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.ACCEPT, accept);
    return http.exchange(
        "/api/v1/training-sets/" + id + "/data",
        HttpMethod.GET,
        new HttpEntity<>(headers),
        String.class);
  }

  @Test
  void rematerialisingAsOfTheFirstCommitGivesIdenticalBytes() {
    String first = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    post(
        "/api/v1/feature-groups/user_activity/commits",
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":100}]}");
    String again = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    byte[] firstBytes = downloadParquet(first);
    assertThat(firstBytes).isNotEmpty().isEqualTo(downloadParquet(again));
    String latest = JsonPath.read(post("/api/v1/training-sets", request("")).getBody(), "$.id");
    assertThat(downloadParquet(latest)).isNotEqualTo(firstBytes);
  }

  @Test
  void featureGroupSpineRunsAsAJob() throws InterruptedException {
    ResponseEntity<String> accepted =
        post(
            "/api/v1/training-sets",
            """
            {"name":"from_group","spine":{"featureGroup":"user_profile"},
             "features":["user_activity:clicks_7d"]}
            """);
    assertThat(accepted.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
    String job = accepted.getHeaders().getLocation().getPath();
    String status = "PENDING";
    for (int attempt = 0; attempt < 100 && !status.equals("SUCCEEDED"); attempt++) {
      Thread.sleep(100);
      status = JsonPath.read(http.getForEntity(job, String.class).getBody(), "$.status");
    }
    assertThat(status).isEqualTo("SUCCEEDED");
    String id = JsonPath.read(accepted.getBody(), "$.trainingSetId");
    List<Map<String, Object>> rows = JsonPath.read(download(id, "json"), "$.rows");
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0)).containsEntry("country", "DE").containsEntry("clicks_7d", null);
  }

  @Test
  void lineageNamesTheTrainingSetsAndModelsThatUsedAKey() {
    // As of now, so that it reads both groups (user_profile's only commit came after the first).
    String id = JsonPath.read(post("/api/v1/training-sets", request("")).getBody(), "$.id");
    ResponseEntity<String> model =
        post(
            "/api/v1/models",
            "{\"name\":\"churn\",\"version\":\"" + id + "\",\"trainingSets\":[\"" + id + "\"]}");
    assertThat(model.getStatusCode()).isEqualTo(HttpStatus.CREATED);

    String u1 =
        http.getForEntity("/api/v1/lineage/entities/user_id/keys/u1", String.class).getBody();
    assertThat(JsonPath.<List<String>>read(u1, "$.featureGroups[*].name"))
        .containsExactlyInAnyOrder("user_activity", "user_profile");
    assertThat(JsonPath.<List<String>>read(u1, "$.trainingSets[?(@.id=='" + id + "')].usedAs[*]"))
        .as(u1 + http.getForEntity("/api/v1/training-sets/" + id, String.class).getBody())
        .containsExactlyInAnyOrder("SPINE", "FEATURES");
    assertThat(JsonPath.<List<String>>read(u1, "$.models[*].version")).contains(id);

    // u3 is in the spine but has no feature rows: used as spine only, held by no group.
    String u3 =
        http.getForEntity("/api/v1/lineage/entities/user_id/keys/u3", String.class).getBody();
    assertThat(JsonPath.<List<Object>>read(u3, "$.featureGroups")).isEmpty();
    assertThat(JsonPath.<List<String>>read(u3, "$.trainingSets[?(@.id=='" + id + "')].usedAs[*]"))
        .containsExactly("SPINE");

    String unknown =
        http.getForEntity("/api/v1/lineage/entities/user_id/keys/nobody", String.class).getBody();
    assertThat(JsonPath.<List<Object>>read(unknown, "$.trainingSets")).isEmpty();

    String byModel =
        http.getForEntity("/api/v1/lineage/models/churn/versions/" + id, String.class).getBody();
    assertThat(JsonPath.<List<String>>read(byModel, "$.featureGroups[*].name"))
        .containsExactlyInAnyOrder("user_activity", "user_profile");
    String byGroup =
        http.getForEntity("/api/v1/lineage/feature-groups/user_profile", String.class).getBody();
    assertThat(JsonPath.<List<String>>read(byGroup, "$.trainingSets[*].id")).contains(id);
    assertThat(JsonPath.<List<String>>read(byGroup, "$.models[*].name")).contains("churn");
  }

  @Test
  void badRequestsNameTheField() {
    assertField("{\"name\":\"t\",\"spine\":{\"rows\":[]},\"features\":[\"nope:x\"]}", "spine.rows");
    assertField(
        "{\"name\":\"t\",\"spine\":" + spine() + ",\"features\":[\"nope:x\"]}", "features[0]");
    assertField(
        "{\"name\":\"t\",\"spine\":" + spine() + ",\"features\":[\"user_activity:nope\"]}",
        "features[0]");
    assertField(
        "{\"name\":\"t\",\"spine\":"
            + spine()
            + ",\"features\":[\"user_activity:country\",\"user_profile:country\"]}",
        "features[1]");
    assertField(
        "{\"name\":\"t\",\"spine\":{\"rows\":[{\"event_time\":\"2026-03-05T00:00:00Z\"}]},"
            + "\"features\":[\"user_activity:clicks_7d\"]}",
        "spine.rows");
    assertField(
        "{\"name\":\"t\",\"spine\":{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-05T00:00:00\"}]},"
            + "\"features\":[\"user_activity:clicks_7d\"]}",
        "spine.rows[0].event_time");
    assertField(
        "{\"name\":\"t\",\"spine\":"
            + spine()
            + ",\"features\":[\"user_activity:clicks_7d\"],"
            + "\"asOf\":\"yesterday\"}",
        "asOf");
    // Kept as Postgres jsonb, which has no U+0000: refused, not a failed catalog write.
    assertField(
        "{\"name\":\"t\",\"spine\":{\"rows\":[{\"user_id\":\"u\\u0000\",\"event_time\":\"2026-03-05T00:00:00Z\"}]},"
            + "\"features\":[\"user_activity:clicks_7d\"]}",
        "spine.rows[0].user_id");
  }

  /** This server has no Spark Connect server configured: Spark is refused before anything runs. */
  @Test
  void sparkEngineWithoutSparkConfiguredAndUnknownEnginesNameTheEngine() {
    String request =
        "{\"name\":\"t\",\"spine\":" + spine() + ",\"features\":[\"user_activity:clicks_7d\"],";
    assertField(request + "\"engine\":\"spark\"}", "engine");
    assertField(request + "\"engine\":\"flink\"}", "engine");
    ResponseEntity<String> refused =
        post("/api/v1/training-sets", request + "\"engine\":\"spark\"}");
    assertThat(refused.getBody()).contains("feature-store.spark.connect-url");
    // The explicit default joins here.
    assertThat(post("/api/v1/training-sets", request + "\"engine\":\"server\"}").getStatusCode())
        .isEqualTo(HttpStatus.CREATED);
  }

  /** Each of these was a 500: a value of the wrong shape, or a number no long holds. */
  @Test
  void propertiesOfTheWrongShapeNameTheField() {
    String features = ",\"features\":[\"user_activity:clicks_7d\"]";
    for (String wrong : List.of("{}", "[\"t\"]")) {
      assertField("{\"name\":" + wrong + ",\"spine\":" + spine() + features + "}", "name");
      assertField(
          "{\"name\":\"t\",\"asOf\":" + wrong + ",\"spine\":" + spine() + features + "}", "asOf");
      assertField(
          "{\"name\":\"t\",\"spine\":" + spine() + ",\"features\":[{\"feature\":" + wrong + "}]}",
          "features[0].feature");
      assertField(
          "{\"name\":\"t\",\"spine\":"
              + spine()
              + ",\"features\":[{\"feature\":\"user_activity:clicks_7d\",\"as\":"
              + wrong
              + "}]}",
          "features[0].as");
      assertField(
          "{\"name\":\"t\",\"spine\":{\"featureGroup\":" + wrong + "}" + features + "}",
          "spine.featureGroup");
      assertField(
          "{\"name\":\"t\",\"spine\":{\"upload\":" + wrong + "}" + features + "}", "spine.upload");
    }
    assertField(
        "{\"name\":\"t\",\"spine\":{\"rows\":[{\"user_id\":\"u1\","
            + "\"event_time\":\"2026-03-05T00:00:00Z\",\"label\":99999999999999999999}]}"
            + features
            + "}",
        "spine.rows[0].label");
  }

  /** Times before year 1 or beyond a long of microseconds are bad input, not a server failure. */
  @Test
  void timesBeyondTheStorableTimesNameTheField() {
    for (String time :
        List.of(
            "-999999999-01-01T00:00:00Z",
            "+999999999-12-31T23:59:59Z",
            "-200000-01-01T00:00:00Z")) {
      assertField(
          "{\"name\":\"t\",\"spine\":{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\""
              + time
              + "\"}]},\"features\":[\"user_activity:clicks_7d\"]}",
          "spine.rows[0].event_time");
      assertField(
          "{\"name\":\"t\",\"spine\":"
              + spine()
              + ",\"features\":[\"user_activity:clicks_7d\"],\"asOf\":\""
              + time
              + "\"}",
          "asOf");
    }
  }

  /** Else the last of the two would silently win. */
  @Test
  void propertiesGivenTwiceAreRefusedByName() {
    assertField(
        "{\"name\":\"t\",\"name\":\"u\",\"spine\":"
            + spine()
            + ",\"features\":[\"user_activity:clicks_7d\"]}",
        "name");
    assertField(
        "{\"name\":\"t\",\"spine\":"
            + spine()
            + ",\"features\":[{\"feature\":\"user_activity:clicks_7d\","
            + "\"feature\":\"user_profile:country\"}]}",
        "features[0].feature");
  }

  /** A version ends up in URLs and log lines: refused before anything is recorded. */
  @Test
  void modelVersionsWithBlanksQuotesBackslashesOrNewlinesAreRefused() {
    String id = JsonPath.read(post("/api/v1/training-sets", request(asOf())).getBody(), "$.id");
    // As JSON string contents: a space, a quote, a backslash, a newline.
    for (String version : List.of("1 0", "1\\\"0", "1\\\\0", "1\\n0")) {
      ResponseEntity<String> response =
          post(
              "/api/v1/models",
              "{\"name\":\"odd_versions\",\"version\":\""
                  + version
                  + "\",\"trainingSets\":[\""
                  + id
                  + "\"]}");
      assertThat(response.getStatusCode()).as(version).isEqualTo(HttpStatus.BAD_REQUEST);
      assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field"))
          .isEqualTo("version");
    }
    assertThat(http.getForEntity("/api/v1/models", String.class).getBody())
        .doesNotContain("odd_versions");
  }

  /**
   * Times far from 1970 overflowed nanoseconds (9999-12-31 printed as 1816); JSON has no NaN or
   * infinities, so they are strings there, and the download parses as strict JSON.
   */
  @Test
  void csvAndJsonDownloadsPrintFarTimesAndNonFiniteFloats() {
    post(
        "/api/v1/feature-groups",
        """
        {"name":"user_scores","entity":"user_id",
         "features":[{"name":"score","type":"FLOAT64"},
                     {"name":"embedding","type":"FLOAT32_VECTOR","dimension":2}]}
        """);
    HttpHeaders csv = new HttpHeaders();
    csv.setContentType(MediaType.parseMediaType("text/csv"));
    ResponseEntity<String> commit =
        http.exchange(
            "/api/v1/feature-groups/user_scores/commits",
            HttpMethod.POST,
            new HttpEntity<>(
                "user_id,event_time,score,embedding\n"
                    + "u1,2026-03-01T00:00:00Z,NaN,\"[Infinity, -Infinity]\"\n",
                csv),
            String.class);
    assertThat(commit.getStatusCode()).as(commit.getBody()).isEqualTo(HttpStatus.CREATED);
    ResponseEntity<String> created =
        post(
            "/api/v1/training-sets",
            "{\"name\":\"far\",\"spine\":{\"rows\":[{\"user_id\":\"u1\","
                + "\"event_time\":\"9999-12-31T23:59:59Z\"}]},"
                + "\"features\":[\"user_scores:score\",\"user_scores:embedding\"]}");
    assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(HttpStatus.CREATED);
    String id = JsonPath.read(created.getBody(), "$.id");

    JsonNode row = JsonMapper.builder().build().readTree(download(id, "json")).get("rows").get(0);
    assertThat(row.get("event_time").stringValue()).isEqualTo("9999-12-31T23:59:59Z");
    assertThat(row.get("score").stringValue()).isEqualTo("NaN");
    assertThat(row.get("embedding").toString()).isEqualTo("[\"Infinity\",\"-Infinity\"]");
    assertThat(download(id, "csv"))
        .contains("u1,9999-12-31T23:59:59Z,NaN,\"[Infinity,-Infinity]\"");
  }

  private void assertField(String body, String field) {
    ResponseEntity<String> response = post("/api/v1/training-sets", body);
    assertThat(response.getStatusCode()).as(body).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(JsonPath.<String>read(response.getBody(), "$.errors[0].field"))
        .as(response.getBody())
        .isEqualTo(field);
    // A plain reason: no parser internals or Java class names.
    assertThat(response.getBody()).doesNotContain("Exception", "jackson", "java.");
  }

  private String asOf() {
    return ",\"asOf\":\"" + firstCommitId + "\"";
  }

  private static String spine() {
    return "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-05T00:00:00Z\"}]}";
  }

  private static String request(String extra) {
    return """
        {"name":"churn","spine":{"rows":[
          {"user_id":"u1","event_time":"2026-03-05T00:00:00Z","label":1},
          {"user_id":"u1","event_time":"2026-03-05T00:00:00Z","label":1},
          {"user_id":"u1","event_time":"2026-03-10T00:00:00Z","label":0},
          {"user_id":"u2","event_time":"2026-03-05T00:00:00Z","label":0},
          {"user_id":"u3","event_time":"2026-03-05T00:00:00Z","label":1}]},
         "features":["user_activity:clicks_7d",
                     {"feature":"user_profile:country","as":"profile_country"}]%s}
        """
        .formatted(extra);
  }

  private String download(String id, String format) {
    return http.getForEntity("/api/v1/training-sets/" + id + "/data?format=" + format, String.class)
        .getBody();
  }

  private byte[] downloadParquet(String id) {
    ResponseEntity<byte[]> response =
        http.getForEntity("/api/v1/training-sets/" + id + "/data?format=parquet", byte[].class);
    assertThat(response.getHeaders().getContentType().toString())
        .isEqualTo("application/vnd.apache.parquet");
    return response.getBody();
  }

  private ResponseEntity<String> post(String path, String json) {
    return JsonPosts.post(http, path, json);
  }
}
