package dev.featurestore.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
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

/** Cancelling training-set jobs over HTTP: nothing READY, nothing stored, progress in rows. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobCancellationIT {
  /** Enough spine rows that the job is still waiting or running when the cancel arrives. */
  private static final int SPINE_ROWS = 300_000;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) throws IOException {
    Path dataDir = Files.createTempDirectory("job-cancellation-it");
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;
  @Autowired ObjectStore objects;
  private TestRestTemplate http;
  private String bigUpload;
  private String smallUpload;

  @BeforeAll
  void uploadSpines() {
    http = TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY);
    post(
        MediaType.APPLICATION_JSON,
        "/api/v1/entities",
        "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    post(
        MediaType.APPLICATION_JSON,
        "/api/v1/feature-groups",
        "{\"name\":\"user_activity\",\"entity\":\"user_id\","
            + "\"features\":[{\"name\":\"clicks_7d\",\"type\":\"INT64\"}]}");
    post(
        MediaType.APPLICATION_JSON,
        "/api/v1/feature-groups/user_activity/commits",
        "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}]}");
    StringBuilder csv = new StringBuilder("user_id,event_time,label\n");
    for (int row = 0; row < SPINE_ROWS; row++) {
      csv.append('u')
          .append(row % 1000)
          .append(",2026-03-05T00:00:00Z,")
          .append(row % 2)
          .append('\n');
    }
    bigUpload = uploadId(csv.toString());
    smallUpload = uploadId("user_id,event_time\nu1,2026-03-05T00:00:00Z\n");
  }

  @Test
  void cancelledJobLeavesNoReadyTrainingSetAndNoOutput() throws Exception {
    ResponseEntity<String> accepted = buildFrom(bigUpload);
    String job = accepted.getHeaders().getLocation().getPath();
    String trainingSet = JsonPath.read(accepted.getBody(), "$.trainingSetId");

    ResponseEntity<String> cancel = post(MediaType.APPLICATION_JSON, job + "/cancel", null);
    assertThat(cancel.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<Boolean>read(cancel.getBody(), "$.cancelRequested")).isTrue();

    String view = waitUntilFinished(job);
    assertThat(JsonPath.<String>read(view, "$.status")).as(view).isEqualTo("CANCELLED");
    assertThat(JsonPath.<Integer>read(view, "$.progress.total")).isGreaterThanOrEqualTo(SPINE_ROWS);
    String set = http.getForEntity("/api/v1/training-sets/" + trainingSet, String.class).getBody();
    assertThat(JsonPath.<String>read(set, "$.status")).isEqualTo("FAILED");
    assertThat(objects.list("training-sets/"))
        .noneMatch(object -> object.key().contains(trainingSet));
    assertThat(
            http.getForEntity("/api/v1/training-sets/" + trainingSet + "/data", String.class)
                .getStatusCode())
        .isEqualTo(HttpStatus.BAD_REQUEST);
  }

  @Test
  void cancellingAFinishedJobChangesNothing() throws Exception {
    ResponseEntity<String> accepted = buildFrom(smallUpload);
    String job = accepted.getHeaders().getLocation().getPath();
    String finished = waitUntilFinished(job);
    assertThat(JsonPath.<String>read(finished, "$.status")).isEqualTo("SUCCEEDED");
    assertThat(JsonPath.<Integer>read(finished, "$.progress.done"))
        .isEqualTo(JsonPath.<Integer>read(finished, "$.progress.total"))
        .isEqualTo(2); // the group's one row read, the spine's one row written

    ResponseEntity<String> cancel = post(MediaType.APPLICATION_JSON, job + "/cancel", null);

    assertThat(cancel.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(JsonPath.<String>read(cancel.getBody(), "$.status")).isEqualTo("SUCCEEDED");
    assertThat(JsonPath.<Boolean>read(cancel.getBody(), "$.cancelRequested")).isFalse();
    assertThat(
            post(MediaType.APPLICATION_JSON, "/api/v1/jobs/" + UUID.randomUUID() + "/cancel", null)
                .getStatusCode())
        .isEqualTo(HttpStatus.NOT_FOUND);
  }

  private String waitUntilFinished(String job) throws InterruptedException {
    for (int attempt = 0; attempt < 600; attempt++) {
      String view = http.getForEntity(job, String.class).getBody();
      if (!JsonPath.<String>read(view, "$.status").matches("PENDING|RUNNING")) {
        return view;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + job + " did not finish");
  }

  private ResponseEntity<String> buildFrom(String upload) {
    ResponseEntity<String> accepted =
        post(
            MediaType.APPLICATION_JSON,
            "/api/v1/training-sets",
            "{\"name\":\"cancel_me\",\"features\":[\"user_activity:clicks_7d\"],"
                + "\"spine\":{\"upload\":\""
                + upload
                + "\"}}");
    assertThat(accepted.getStatusCode()).as(accepted.getBody()).isEqualTo(HttpStatus.ACCEPTED);
    return accepted;
  }

  private String uploadId(String csv) {
    ResponseEntity<String> uploaded =
        post(MediaType.parseMediaType("text/csv"), "/api/v1/uploads", csv);
    assertThat(uploaded.getStatusCode()).as(uploaded.getBody()).isEqualTo(HttpStatus.CREATED);
    return JsonPath.read(uploaded.getBody(), "$.id");
  }

  private ResponseEntity<String> post(MediaType contentType, String path, String body) {
    HttpHeaders headers = new HttpHeaders();
    headers.setContentType(contentType);
    return http.exchange(
        path,
        HttpMethod.POST,
        new HttpEntity<>(body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers),
        String.class);
  }
}
