package dev.featurestore.api.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.ChildServer;
import dev.featurestore.api.StoredRows;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.UploadBodies;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server process killed with SIGKILL in the middle of large concurrent uploads loses nothing it
 * acknowledged and shows nothing it did not: after a restart every commit's rows are all readable,
 * and the files the dead uploads left behind are swept once the grace period has passed.
 */
@Execution(ExecutionMode.CONCURRENT) // beside the in-process servers: see junit-platform.properties
class CrashRecoveryIT {
  private static final String GROUP = "crash_test";
  private static final int LARGE_UPLOADS = 3;
  private static final int ROWS_PER_LARGE_UPLOAD = 1_200_000;

  @TempDir Path folder;

  @Test
  void killedServerKeepsAcknowledgedCommitsAndSweepsTheRest() throws Exception {
    TestingPostgres.TestDatabase database = TestCatalogs.sharedPostgres().createDatabase();
    Path dataDir = Files.createDirectories(folder.resolve("data"));
    Path largeUpload =
        UploadBodies.parquet(
            "SELECT 'k' || (i % 100000) AS user_id,"
                + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_seconds(i) AS event_time,"
                + " i * 0.5::DOUBLE AS f0, i * 1.5::DOUBLE AS f1, (i % 1000) * 0.25::DOUBLE AS f2"
                + " FROM range("
                + ROWS_PER_LARGE_UPLOAD
                + ") t(i)",
            folder.resolve("large.parquet"));
    LocalDiskObjectStore objects = new LocalDiskObjectStore(dataDir.resolve("objects"));
    String prefix = ObjectLayout.featureGroup(GROUP);

    Map<String, Long> acknowledgedRows = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> uploads = new ArrayList<>();
    List<String> rejectedUploads = new CopyOnWriteArrayList<>();
    // Every large upload must be admitted at once, or the kill would not find them all in flight.
    ChildServer first =
        ChildServer.start(
            database,
            dataDir,
            Duration.ofHours(1),
            "--feature-store.limits.heavy-requests=" + LARGE_UPLOADS);
    try {
      first.post(
          "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
      first.post(
          "/api/v1/feature-groups",
          "application/json",
          "{\"name\":\""
              + GROUP
              + "\",\"entity\":\"user_id\",\"features\":[{\"name\":\"f0\",\"type\":\"FLOAT64\"},"
              + "{\"name\":\"f1\",\"type\":\"FLOAT64\"},{\"name\":\"f2\",\"type\":\"FLOAT64\"}]}");
      for (int i = 0; i < 3; i++) {
        acknowledge(
            first.commit(
                GROUP,
                "application/json",
                HttpRequest.BodyPublishers.ofString(
                    "{\"rows\":[{\"user_id\":\"small"
                        + i
                        + "\",\"event_time\":\"2026-03-01T00:00:00Z\",\"f0\":1}]}")),
            acknowledgedRows);
      }
      int objectsBeforeUploads = objects.list(prefix).size();

      for (int i = 0; i < LARGE_UPLOADS; i++) {
        uploads.add(
            first
                .commitAsync(
                    GROUP,
                    "application/vnd.apache.parquet",
                    HttpRequest.BodyPublishers.ofFile(largeUpload))
                .thenAccept(
                    response -> {
                      if (response.statusCode() != 201) {
                        rejectedUploads.add(response.statusCode() + " " + response.body());
                      }
                      acknowledge(response, acknowledgedRows);
                    }));
      }
      // Kill as soon as a large upload has stored a file it has not committed yet.
      Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
      while (objects.list(prefix).size() == objectsBeforeUploads
          && rejectedUploads.isEmpty()
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(10);
      }
    } finally {
      first.kill();
    }
    for (CompletableFuture<Void> upload : uploads) {
      upload.exceptionally(cutOffByTheKill -> null).join();
    }
    assertThat(rejectedUploads).isEmpty();
    assertThat(acknowledgedRows).hasSizeGreaterThanOrEqualTo(3);

    JdbcCatalog catalog = new JdbcCatalog(database.dataSource());
    List<StoredObject> orphans = new ArrayList<>();
    for (StoredObject object : objects.list(prefix)) {
      if (!catalog.referencesObject(object.key())) {
        orphans.add(object);
      }
    }
    assertThat(orphans).as("files of uploads the kill interrupted").isNotEmpty();

    ChildServer restarted = ChildServer.start(database, dataDir, Duration.ofSeconds(1));
    try {
      List<Commit> commits = catalog.commits(GROUP);
      Map<String, Long> committedRows = new HashMap<>();
      commits.forEach(commit -> committedRows.put(commit.id().toString(), commit.rows()));
      assertThat(committedRows).containsAllEntriesOf(acknowledgedRows);
      assertThat(StoredRows.rowsPerCommitSequence(catalog, objects, folder.resolve("cache"), GROUP))
          .isEqualTo(rowsPerSequence(commits));

      Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
      while (objects.list(prefix).stream().anyMatch(orphans::contains)
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
      }
      assertThat(objects.list(prefix)).doesNotContainAnyElementsOf(orphans);
      for (StoredObject object : objects.list(prefix)) {
        assertThat(catalog.referencesObject(object.key())).as(object.key()).isTrue();
      }
      assertThat(restarted.get("/api/v1/feature-groups/" + GROUP + "/commits").statusCode())
          .isEqualTo(200);
    } finally {
      restarted.kill();
    }
  }

  private static void acknowledge(HttpResponse<String> response, Map<String, Long> acknowledged) {
    if (response.statusCode() == 201) {
      JsonNode commit = JsonMapper.builder().build().readTree(response.body());
      acknowledged.put(commit.get("commitId").asString(), commit.get("rows").asLong());
    }
  }

  private static Map<Long, Long> rowsPerSequence(List<Commit> commits) {
    Map<Long, Long> rows = new HashMap<>();
    commits.forEach(commit -> rows.put(commit.sequence(), commit.rows()));
    return rows;
  }
}
