package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.catalog.JdbcJobs;
import dev.featurestore.storage.erasure.JdbcErasureLedger;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.TestingS3Server;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jobs, training sets and lineage across two server processes on one Postgres catalog and one S3
 * bucket: each replica sees the other's training sets, takes over the work of one that was killed
 * once its (short) lease expired, and an erasure runs on one replica at a time.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class ReplicaJobsIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String GROUP = "clicks";
  private static final String LEASE = "--feature-store.jobs.lease=PT5S";
  private static final String HEARTBEAT = "--feature-store.jobs.heartbeat-interval=PT1S";

  @TempDir Path folder;

  private TestingPostgres.TestDatabase database;
  private String[] sharedBucket;
  private final List<ChildServer> started = new ArrayList<>();

  @BeforeEach
  void sharedCatalogAndBucket() {
    database = TestCatalogs.sharedPostgres().createDatabase();
    TestingS3Server s3 = TestingS3Server.instance();
    sharedBucket =
        new String[] {
          "--feature-store.s3.endpoint=" + s3.endpoint(),
          "--feature-store.s3.bucket=" + s3.createBucket(),
          "--feature-store.s3.region=" + s3.region(),
          "--feature-store.s3.access-key=" + s3.accessKey(),
          "--feature-store.s3.secret-key=" + s3.secretKey(),
          LEASE,
          HEARTBEAT
        };
  }

  @AfterEach
  void killReplicas() throws InterruptedException {
    for (ChildServer replica : started) {
      replica.kill();
    }
  }

  @Test
  void anErasureThroughOneReplicaReachesATrainingSetBuiltThroughTheOther() throws Exception {
    ChildServer builder = replica("a");
    ChildServer eraser = replica("b");
    createGroupWithCommits(builder, 1);
    String first = buildInline(builder);
    // The eraser's lineage now holds the entity's bitmaps, recorded before the next training set.
    assertThat(eraser.get("/api/v1/lineage/entities/user_id/keys/u1").body()).contains(first);
    String second = buildInline(builder);

    JsonNode receipt = erase(eraser, "u1");

    assertThat(receipt.get("trainingSetsAffected").toString()).contains(first, second);
    String output = eraser.get("/api/v1/training-sets/" + second + "/data?format=csv").body();
    assertThat(output).doesNotContain("u1,").contains("u2,");
  }

  @Test
  void aTrainingSetJobOfAKilledReplicaEndsFailedWithAReasonOnTheOther() throws Exception {
    ChildServer killed = replica("a");
    ChildServer survivor = replica("b");
    createGroupWithCommits(killed, 1);
    StringBuilder csv = new StringBuilder("user_id,event_time\n");
    for (int row = 0; row < 300_000; row++) {
      csv.append('u').append(row % 1000).append(",2026-03-05T00:00:00Z\n");
    }
    String upload = idOf(killed.post("/api/v1/uploads", "text/csv", csv.toString(), 201));
    JsonNode accepted =
        JSON.readTree(
            killed.post(
                "/api/v1/training-sets",
                "application/json",
                "{\"name\":\"big\",\"features\":[\"clicks:n\"],\"spine\":{\"upload\":\""
                    + upload
                    + "\"}}",
                202));
    String job = "/api/v1/jobs/" + accepted.get("jobId").asString();
    String trainingSet = "/api/v1/training-sets/" + accepted.get("trainingSetId").asString();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (JSON.readTree(survivor.get(job).body()).get("progress").get("done").asLong() == 0
        && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
    }
    assertThat(status(survivor, job)).as("the job when its replica is killed").isEqualTo("RUNNING");
    killed.kill();

    JsonNode endedJob = awaitEnd(survivor, job);
    JsonNode endedSet = JSON.readTree(survivor.get(trainingSet).body());

    assertThat(endedJob.get("status").asString()).isEqualTo("FAILED");
    assertThat(endedSet.get("status").asString()).isEqualTo("FAILED");
    assertThat(endedSet.get("error").asString()).contains("lease expired");
    assertThat(endedJob.get("error").asString()).contains("lease expired");
  }

  @Test
  void anUnfinishedErasureRunsOnceWhenTwoReplicasStartTogether() throws Exception {
    ChildServer setup = replica("setup");
    createGroupWithCommits(setup, 40);
    setup.kill();
    started.remove(setup);
    UUID erasure = UUID.randomUUID();
    // Left by a replica that stopped: its lease has expired by the time the others start.
    new JdbcJobs(database.dataSource(), new ReplicaLease("stopped", Duration.ofMillis(1)))
        .create(erasure, "ERASURE", "/api/v1/erasures/" + erasure, 40, null);
    new JdbcErasureLedger(database.dataSource(), TestCatalogs.KEY_DIGESTS)
        .create(erasure, "user_id", List.of("u1"), "test", "test");

    CompletableFuture<ChildServer> startingA = CompletableFuture.supplyAsync(() -> start("a"));
    CompletableFuture<ChildServer> startingB = CompletableFuture.supplyAsync(() -> start("b"));
    started.add(startingA.join());
    started.add(startingB.join());
    JsonNode job = awaitEnd(started.get(0), "/api/v1/jobs/" + erasure);
    // A second run would have been claimed within a heartbeat of the first start.
    Thread.sleep(2_000);

    assertThat(job.get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(
            new JdbcCatalog(database.dataSource())
                .commits(GROUP).stream().filter(commit -> commit.kind() == CommitKind.ERASURE))
        .hasSize(1);
  }

  private ChildServer replica(String name) {
    ChildServer replica = start(name);
    started.add(replica);
    return replica;
  }

  private ChildServer start(String name) {
    try {
      return ChildServer.start(database, folder.resolve(name), Duration.ofHours(1), sharedBucket);
    } catch (Exception e) {
      throw new IllegalStateException("replica " + name + " did not start", e);
    }
  }

  /** The user_id entity and a group with {@code commits} commits of u1 and u2. */
  private static void createGroupWithCommits(ChildServer replica, int commits) throws Exception {
    replica.post(
        "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    replica.post(
        "/api/v1/feature-groups",
        "application/json",
        "{\"name\":\""
            + GROUP
            + "\",\"entity\":\"user_id\",\"features\":[{\"name\":\"n\",\"type\":\"INT64\"}]}");
    for (int n = 0; n < commits; n++) {
      String rows =
          "{\"rows\":[{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"n\":%d},"
                  .formatted(n)
              + "{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"n\":%d}]}"
                  .formatted(n);
      assertThat(
              replica
                  .commit(GROUP, "application/json", HttpRequest.BodyPublishers.ofString(rows))
                  .statusCode())
          .isEqualTo(201);
    }
  }

  /** Builds a training set of u1 and u2 while the caller waits; returns its id. */
  private static String buildInline(ChildServer replica) throws Exception {
    return idOf(
        replica.post(
            "/api/v1/training-sets",
            "application/json",
            "{\"name\":\"t\",\"features\":[\"clicks:n\"],\"spine\":{\"rows\":["
                + "{\"user_id\":\"u1\",\"event_time\":\"2026-03-02T00:00:00Z\"},"
                + "{\"user_id\":\"u2\",\"event_time\":\"2026-03-02T00:00:00Z\"}]}}",
            201));
  }

  /** Erases {@code key} of user_id through {@code replica}; returns the receipt. */
  private static JsonNode erase(ChildServer replica, String key) throws Exception {
    String id =
        idOf(
            replica.post(
                "/api/v1/erasures",
                "application/json",
                "{\"entity\":\"user_id\",\"keys\":[\"" + key + "\"]}",
                202));
    assertThat(awaitEnd(replica, "/api/v1/jobs/" + id).get("status").asString())
        .isEqualTo("SUCCEEDED");
    return JSON.readTree(replica.get("/api/v1/erasures/" + id).body());
  }

  private static JsonNode awaitEnd(ChildServer replica, String job) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (status(replica, job).matches("PENDING|RUNNING") && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    return JSON.readTree(replica.get(job).body());
  }

  private static String status(ChildServer replica, String job) throws Exception {
    return JSON.readTree(replica.get(job).body()).get("status").asString();
  }

  private static String idOf(String body) {
    return JSON.readTree(body).get("id").asString();
  }
}
