package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.OrphanJanitor;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.testing.CommitCutProxy;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cuts the catalog connection, through a TCP fault proxy between the connection pool and Postgres,
 * while an append's COMMIT is on its way: once after Postgres committed, once with the transaction
 * aborted. Either way the writer cannot know, keeps its objects, and the caller may retry with the
 * same idempotency key; every acknowledged and every committed row stays readable, and the orphan
 * janitor deletes only what no commit references. {@link CommitCutProxy} makes the cut land while
 * the COMMIT is on its way.
 */
class CommitConnectionCutIT {
  private static final String GROUP = "user_activity";
  private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

  @TempDir Path folder;

  private CommitCutProxy proxy;
  private HikariDataSource pool;
  private StorageTestBed bed;
  private RootAllocator allocator;
  private JdbcCatalog catalog;
  private LocalDiskObjectStore objects;
  private FeatureGroupWriter writer;
  private final ExecutorService uploads = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() throws Exception {
    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestKeyDigests.DIGESTS);
    proxy = CommitCutProxy.start(database);
    proxy.installGate();
    pool = new HikariDataSource();
    pool.setJdbcUrl(proxy.jdbcUrl());
    pool.setUsername(database.user());
    pool.setPassword(database.password());
    // One connection: the cut then breaks only the one whose COMMIT it meant to break.
    pool.setMaximumPoolSize(1);

    bed = StorageTestBed.over(pool, folder, Clock.fixed(NOW, ZoneOffset.UTC));
    allocator = bed.allocator();
    catalog = bed.catalog();
    objects = bed.objects();
    writer = bed.writer();
    bed.userGroup(GROUP, FeatureDefinition.scalar("clicks_7d", FeatureType.INT64));
  }

  @AfterEach
  void tearDown() {
    uploads.close();
    pool.close();
    proxy.close();
    bed.close();
  }

  @Test
  void connectionCutDuringCommitLosesNoRowAndLeavesNoOrphanBehind() throws Exception {
    Commit acknowledged = append("first", "u1", "u2");

    // Postgres commits, but the answer never reaches the writer.
    Future<Commit> committedUnseen;
    try (CommitCutProxy.Gate gate = proxy.holdGate()) {
      committedUnseen = uploads.submit(() -> append("cut-committed", "u3", "u4"));
      gate.awaitWaitingCommit();
      gate.cutConnections();
    }
    assertUnknownOutcome(committedUnseen);

    // The connection breaks and Postgres aborts the transaction.
    Future<Commit> abortedUnseen;
    try (CommitCutProxy.Gate gate = proxy.holdGate()) {
      abortedUnseen = uploads.submit(() -> append("cut-aborted", "u5"));
      gate.awaitWaitingCommit();
      gate.cutConnections();
      gate.abortWaitingCommit();
    }
    assertUnknownOutcome(abortedUnseen);

    Set<String> referenced = referencedObjects();
    Set<String> stored = storedObjects();
    assertThat(stored)
        .as("no object of an unknown outcome is deleted")
        .containsAll(referenced)
        .hasSize(referenced.size() + 1);
    assertThat(storedKeys()).containsExactlyInAnyOrder("u1", "u2", "u3", "u4");

    Commit committed = append("cut-committed", "u3", "u4");
    assertThat(committed.id())
        .as("a retry with the same key answers the commit Postgres made")
        .isEqualTo(catalog.commitByIdempotencyKey(GROUP, "cut-committed").orElseThrow().id());
    assertThat(catalog.commits(GROUP))
        .extracting(Commit::id)
        .containsExactly(acknowledged.id(), committed.id());

    OrphanJanitor janitor =
        new OrphanJanitor(
            catalog,
            objects,
            Duration.ofMinutes(1),
            Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
    List<String> deleted = janitor.sweep();
    assertThat(deleted).hasSize(1).doesNotContainAnyElementsOf(referenced);
    assertThat(storedObjects()).isEqualTo(referencedObjects());
    assertThat(storedKeys()).containsExactlyInAnyOrder("u1", "u2", "u3", "u4");
  }

  @Test
  void compactionCutDuringCommitKeepsTheFilesPostgresNowReads() throws Exception {
    append("first", "u1", "u2");
    append("second", "u3");
    FeatureGroupCompactor compactor = bed.compactor();

    Future<Optional<Commit>> compaction;
    try (CommitCutProxy.Gate gate = proxy.holdGate()) {
      compaction =
          uploads.submit(() -> compactor.compact(GROUP, CommitCutProxy.GATED_PREFIX + "compactor"));
      gate.awaitWaitingCommit();
      gate.cutConnections();
    }
    assertUnknownOutcome(compaction);

    assertThat(catalog.commits(GROUP))
        .extracting(Commit::kind)
        .containsExactly(CommitKind.APPEND, CommitKind.APPEND, CommitKind.COMPACTION);
    assertThat(referencedObjects()).hasSize(1);
    assertThat(storedObjects()).containsAll(referencedObjects());
    assertThat(storedKeys()).containsExactlyInAnyOrder("u1", "u2", "u3");
  }

  private Commit append(String idempotencyKey, String... keys) throws IOException {
    StringBuilder json = new StringBuilder("{\"rows\":[");
    for (int i = 0; i < keys.length; i++) {
      json.append(i == 0 ? "" : ",")
          .append("{\"user_id\":\"")
          .append(keys[i])
          .append("\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":")
          .append(i)
          .append('}');
    }
    byte[] body = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(folder.resolve(UUID.randomUUID() + ".json"), body);
    return writer.append(
        GROUP,
        UploadFormat.JSON,
        ValidBodies.spooled(file, body),
        Optional.of(idempotencyKey),
        "tester");
  }

  private static void assertUnknownOutcome(Future<?> change) {
    assertThatThrownBy(change::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CommitStateUnknownException.class);
  }

  private Set<String> referencedObjects() {
    return catalog.dataFiles(GROUP, catalog.latestSequence(GROUP)).stream()
        .map(DataFile::objectKey)
        .collect(Collectors.toSet());
  }

  private Set<String> storedObjects() throws IOException {
    return objects.list(ObjectLayout.featureGroup(GROUP)).stream()
        .map(StoredObject::key)
        .collect(Collectors.toSet());
  }

  /** The keys of every row the latest version reads, through the catalog and the object store. */
  private List<String> storedKeys() throws IOException {
    FeatureGroup group = catalog.featureGroup(GROUP).orElseThrow();
    FeatureGroupReader reader =
        new FeatureGroupReader(
            catalog,
            new ObjectCache(objects, folder.resolve("cache-" + UUID.randomUUID())),
            allocator,
            Executors.newVirtualThreadPerTaskExecutor());
    List<String> keys = new ArrayList<>();
    reader
        .snapshot(group, catalog.latestSequence(GROUP))
        .forEachBatch(
            FeatureFileScan.allFeatures(group),
            batch -> {
              for (int row = 0; row < batch.getRowCount(); row++) {
                keys.add(String.valueOf(batch.getVector(0).getObject(row)));
              }
            });
    return keys;
  }
}
