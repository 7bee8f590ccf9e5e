package dev.featurestore.api.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.ChildServer;
import dev.featurestore.api.StoredRows;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server killed with SIGKILL halfway through an erasure finishes it after a restart: the key is
 * gone from every object (uploaded spines included), each file and upload was counted once, no
 * replaced object is left behind and no other row is lost, including those of commits made while
 * the erasure ran. The group's ERASURE commit counts the rows removed by both runs.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class ErasureCrashIT {
  private static final String GROUP = "erasure_crash";
  private static final int COMMITS = 120;
  private static final int CONCURRENT_COMMITS = 5;
  private static final int UPLOADS = 3;

  @TempDir Path folder;

  @Test
  void serverKilledMidErasureFinishesItAfterARestart() throws Exception {
    TestingPostgres.TestDatabase database = TestCatalogs.sharedPostgres().createDatabase();
    Path dataDir = Files.createDirectories(folder.resolve("data"));
    ChildServer first = ChildServer.start(database, dataDir, Duration.ofHours(1));
    String jobPath;
    try {
      first.post(
          "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
      first.post(
          "/api/v1/feature-groups",
          "application/json",
          "{\"name\":\""
              + GROUP
              + "\",\"entity\":\"user_id\","
              + "\"features\":[{\"name\":\"f0\",\"type\":\"FLOAT64\"}]}");
      for (int i = 0; i < COMMITS; i++) {
        String row = ",\"event_time\":\"2026-03-01T00:00:00Z\",\"f0\":" + i + "}";
        assertThat(
                first
                    .commit(
                        GROUP,
                        "application/json",
                        HttpRequest.BodyPublishers.ofString(
                            "{\"rows\":[{\"user_id\":\"u1\""
                                + row
                                + ",{\"user_id\":\"other"
                                + i
                                + "\""
                                + row
                                + "]}"))
                    .statusCode())
            .isEqualTo(201);
      }
      for (int i = 0; i < UPLOADS; i++) {
        first.post(
            "/api/v1/uploads",
            "text/csv",
            "user_id,event_time\nu1,2026-03-05T00:00:00Z\nkept" + i + ",2026-03-05T00:00:00Z\n",
            201);
      }
      String accepted =
          first.post(
              "/api/v1/erasures",
              "application/json",
              "{\"entity\":\"user_id\",\"keys\":[\"u1\"]}",
              202);
      jobPath = "/api/v1/jobs/" + json(accepted).get("id").asString();
      // Commits while the erasure rewrites the group's files: none may be lost.
      for (int i = 0; i < CONCURRENT_COMMITS; i++) {
        assertThat(
                first
                    .commit(
                        GROUP,
                        "application/json",
                        HttpRequest.BodyPublishers.ofString(
                            "{\"rows\":[{\"user_id\":\"during"
                                + i
                                + "\",\"event_time\":\"2026-03-02T00:00:00Z\",\"f0\":1}]}"))
                    .statusCode())
            .isEqualTo(201);
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      while (json(first.get(jobPath).body()).get("progress").get("done").asLong() < 1
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(5);
      }
    } finally {
      first.kill();
    }
    long rewrittenBeforeTheKill = filesRewritten(database);
    assertThat(rewrittenBeforeTheKill)
        .as("files rewritten when killed")
        .isBetween(1L, COMMITS - 1L);

    // A rewrite the kill interrupted before its catalog update leaves a new object no row
    // references:
    // the orphan janitor of the restarted server sweeps it after its grace period.
    ChildServer restarted = ChildServer.start(database, dataDir, Duration.ofSeconds(1));
    LocalDiskObjectStore objects = new LocalDiskObjectStore(dataDir.resolve("objects"));
    JdbcCatalog catalog = new JdbcCatalog(database.dataSource());
    JsonNode receipt;
    try {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (!json(restarted.get(jobPath).body()).get("status").asString().equals("SUCCEEDED")
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(json(restarted.get(jobPath).body()).get("status").asString())
          .isEqualTo("SUCCEEDED");
      receipt = json(restarted.get(jobPath.replace("/jobs/", "/erasures/")).body());
      Instant swept = Instant.now().plus(Duration.ofMinutes(1));
      while (!everyObjectReferenced(catalog, objects) && Instant.now().isBefore(swept)) {
        Thread.sleep(200);
      }
    } finally {
      restarted.kill();
    }
    assertThat(receipt.get("filesRewritten").asLong()).isEqualTo(COMMITS + UPLOADS);
    assertThat(receipt.get("rowsRemoved").asLong()).isEqualTo(COMMITS + UPLOADS);

    Map<String, List<String>> stored = StoredRows.everyObject(objects, folder);
    stored.forEach(
        (key, rows) -> assertThat(rows).as(key).noneMatch(row -> StoredRows.hasCell(row, "u1")));
    for (StoredObject object : objects.list("")) {
      assertThat(catalog.referencesObject(object.key())).as(object.key()).isTrue();
    }
    for (int i = 0; i < UPLOADS; i++) {
      String kept = "kept" + i;
      assertThat(stored.values())
          .as("the uploaded row of " + kept)
          .anyMatch(rows -> rows.stream().anyMatch(row -> StoredRows.hasCell(row, kept)));
    }
    // The resumed run rewrote only the files the first left, yet the commit counts both runs' rows.
    assertThat(catalog.commits(GROUP).stream().filter(c -> c.kind() == CommitKind.ERASURE))
        .singleElement()
        .extracting(Commit::rows)
        .isEqualTo((long) COMMITS);
    assertThat(receipt.get("unreadableObjects").isEmpty()).isTrue();
    Map<Long, Long> rowsPerCommit =
        StoredRows.rowsPerCommitSequence(catalog, objects, folder.resolve("cache"), GROUP);
    assertThat(catalog.commits(GROUP).stream().filter(c -> c.kind() == CommitKind.APPEND))
        .hasSize(COMMITS + CONCURRENT_COMMITS);
    for (Commit commit : catalog.commits(GROUP)) {
      if (commit.kind() == CommitKind.APPEND) {
        assertThat(rowsPerCommit.get(commit.sequence()))
            .as("rows of commit " + commit.sequence())
            .isEqualTo(1L);
      }
    }
  }

  private static boolean everyObjectReferenced(JdbcCatalog catalog, LocalDiskObjectStore objects)
      throws java.io.IOException {
    for (StoredObject object : objects.list("")) {
      if (!catalog.referencesObject(object.key())) {
        return false;
      }
    }
    return true;
  }

  private static long filesRewritten(TestingPostgres.TestDatabase database) throws Exception {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT files_rewritten FROM erasures")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static JsonNode json(String body) {
    return JsonMapper.builder().build().readTree(body);
  }
}
