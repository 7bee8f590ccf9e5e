package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.TestingS3Server;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two server processes on one Postgres catalog and one S3 bucket, the production layout behind a
 * load balancer: what is written through one is served by the other.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class ReplicasIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String LOOKUP =
      "{\"features\":[\"clicks:n\"],\"entities\":{\"user_id\":[\"u1\"]}}";

  /**
   * Milliseconds on a quiet machine (docs/benchmarks-online.md); the bound only has to be far below
   * the reader's one-hour poll, so a loaded test machine cannot fail it.
   */
  private static final Duration NOTIFIED_WITHIN = Duration.ofSeconds(30);

  @TempDir Path folder;

  @Test
  void aCommitThroughOneReplicaReachesTheOthersOnlineIndexByNotification() throws Exception {
    TestingPostgres.TestDatabase database = TestCatalogs.sharedPostgres().createDatabase();
    TestingS3Server s3 = TestingS3Server.instance();
    String[] sharedBucket = {
      "--feature-store.s3.endpoint=" + s3.endpoint(),
      "--feature-store.s3.bucket=" + s3.createBucket(),
      "--feature-store.s3.region=" + s3.region(),
      "--feature-store.s3.access-key=" + s3.accessKey(),
      "--feature-store.s3.secret-key=" + s3.secretKey()
    };
    ChildServer writer = null;
    ChildServer reader = null;
    try {
      writer =
          ChildServer.start(database, folder.resolve("writer"), Duration.ofHours(1), sharedBucket);
      // The reader never polls within the test, so only the writer's NOTIFY can bring it a change.
      String[] readerArguments = Arrays.copyOf(sharedBucket, sharedBucket.length + 1);
      readerArguments[sharedBucket.length] = "--feature-store.online.poll-interval=PT1H";
      reader =
          ChildServer.start(
              database, folder.resolve("reader"), Duration.ofHours(1), readerArguments);
      writer.post(
          "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
      writer.post(
          "/api/v1/feature-groups",
          "application/json",
          "{\"name\":\"clicks\",\"entity\":\"user_id\",\"online\":true,"
              + "\"features\":[{\"name\":\"n\",\"type\":\"INT64\"}]}");
      assertThat(valueWithin(reader, "[null]", NOTIFIED_WITHIN))
          .as("the group created through the other replica, before any commit")
          .isTrue();

      for (int n = 1; n <= 3; n++) {
        HttpResponse<String> committed =
            writer.commit(
                "clicks",
                "application/json",
                HttpRequest.BodyPublishers.ofString(
                    "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-0%dT00:00:00Z\",\"n\":%d}]}"
                        .formatted(n, n)));
        assertThat(committed.statusCode()).as(committed.body()).isEqualTo(201);
        assertThat(valueWithin(reader, "[" + n + "]", NOTIFIED_WITHIN))
            .as("commit %d, read through the other replica", n)
            .isTrue();
      }
      // The training-set join on the other replica reads the same objects from the bucket.
      String trainingSet =
          reader.post(
              "/api/v1/training-sets",
              "application/json",
              "{\"name\":\"t\",\"features\":[\"clicks:n\"],\"spine\":{\"rows\":"
                  + "[{\"user_id\":\"u1\",\"event_time\":\"2026-03-02T12:00:00Z\"}]}}",
              201);
      String id = JSON.readTree(trainingSet).get("id").asString();
      assertThat(reader.get("/api/v1/training-sets/" + id + "/data?format=csv").body())
          .contains("u1,2026-03-02T12:00:00Z,2");
    } finally {
      if (writer != null) {
        writer.kill();
      }
      if (reader != null) {
        reader.kill();
      }
    }
  }

  /** Whether the replica's online answer for u1 becomes {@code values} within {@code limit}. */
  private static boolean valueWithin(ChildServer replica, String values, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    do {
      HttpResponse<String> answer =
          replica.postForResponse("/api/v1/online-features", "application/json", LOOKUP);
      if (answer.statusCode() == 200) {
        JsonNode results = JSON.readTree(answer.body()).get("results");
        if (results.get(1).get("values").toString().equals(values)) {
          return true;
        }
      }
      Thread.sleep(10);
    } while (System.nanoTime() < deadline);
    return false;
  }
}
