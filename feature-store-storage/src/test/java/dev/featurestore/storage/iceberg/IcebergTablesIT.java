package dev.featurestore.storage.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.storage.erasure.ErasureTestBed;
import dev.featurestore.storage.parquet.FeatureFileScan;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg's own generic reader, over the tables we keep, reads what our reader reads: every row of
 * a group at every snapshot; and after an erasure no snapshot still reachable yields the key, the
 * erasure having expired (and counted in its receipt) exactly the snapshots that named a file it
 * rewrote.
 */
class IcebergTablesIT {
  private static final List<String> COLUMNS = List.of("user_id", "event_time", "clicks", "country");

  @TempDir Path folder;
  private ErasureTestBed bed;
  private IcebergTables tables;

  @BeforeEach
  void setUp() throws IOException {
    bed = ErasureTestBed.in(folder);
    var storage = bed.storage();
    // The tables the erasure expires snapshots of.
    tables = bed.icebergTables();
    storage.userGroup("activity", FeatureDefinition.scalar("clicks", FeatureType.INT64));
  }

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void everySnapshotReadsTheRowsOurReaderReadsAsOfItsCommit() throws IOException {
    var storage = bed.storage();
    storage.appendJson(
        "activity",
        """
        {"user_id":"u1","event_time":"2026-02-01T00:00:00Z","clicks":1},
        {"user_id":"u2","event_time":"2026-02-01T00:00:00Z","clicks":2}""");
    // Caught up between commits too: later catch-ups continue from the snapshot they find.
    assertThat(tables.featureGroup("activity").table().snapshots()).hasSize(1);
    storage.appendJson(
        "activity", "{\"user_id\":\"u1\",\"event_time\":\"2026-02-02T00:00:00Z\",\"clicks\":3}");
    storage
        .catalog()
        .addFeatures("activity", List.of(FeatureDefinition.scalar("country", FeatureType.STRING)));
    storage.appendJson(
        "activity",
        """
        {"user_id":"u3","event_time":"2026-02-03T00:00:00Z","clicks":4,"country":"fr"}""");
    assertThat(storage.compactor().compact("activity", "tester")).isPresent();

    Table table = tables.featureGroup("activity").table();

    assertThat(table.snapshots())
        .extracting(Snapshot::operation)
        .containsExactly("append", "append", "append", "replace");
    for (Snapshot snapshot : table.snapshots()) {
      long sequence = Long.parseLong(snapshot.summary().get(IcebergTables.COMMIT_SEQUENCE));
      assertThat(icebergRows(table, snapshot))
          .as("snapshot of commit %s", sequence)
          .containsExactlyInAnyOrderElementsOf(ourRows(sequence));
    }
    assertThat(icebergRows(table, table.currentSnapshot())).hasSize(4);
    // Field ids stay: the first columns keep theirs when a feature is added.
    assertThat(table.schema().findField("user_id").fieldId()).isEqualTo(1);
    assertThat(table.schema().findField("country").fieldId())
        .isGreaterThan(table.schema().findField("clicks").fieldId());
  }

  @Test
  void anErasureExpiresEverySnapshotNamingAFileItRewroteAndItsReceiptCountsThem()
      throws IOException {
    var storage = bed.storage();
    storage.appendJson(
        "activity", "{\"user_id\":\"u2\",\"event_time\":\"2026-02-01T00:00:00Z\",\"clicks\":1}");
    storage.appendJson(
        "activity",
        """
        {"user_id":"u1","event_time":"2026-02-02T00:00:00Z","clicks":2},
        {"user_id":"u2","event_time":"2026-02-02T00:00:00Z","clicks":3}""");
    storage.appendJson(
        "activity", "{\"user_id\":\"u3\",\"event_time\":\"2026-02-03T00:00:00Z\",\"clicks\":4}");
    TrainingSet trainingSet =
        bed.buildOnGroup(
            "clicks_on_activity",
            "activity",
            List.of(new FeatureReference("activity", "clicks", Optional.of("past_clicks"))));
    // Both tables are published (an engine loaded them) before the erasure.
    Table before = tables.featureGroup("activity").table();
    Table outputBefore = tables.trainingSet(trainingSet.id().toString(), any -> true).table();
    assertThat(keys(outputBefore, outputBefore.currentSnapshot())).contains("u1");
    // The second commit's file alone holds u1: the snapshots of the second and third commits name
    // it, the first one's does not.
    List<Snapshot> snapshotsBefore = new ArrayList<>();
    before.snapshots().forEach(snapshotsBefore::add);
    List<String> holding = new ArrayList<>(files(before, snapshotsBefore.get(1)));
    holding.removeAll(files(before, snapshotsBefore.get(0)));
    assertThat(holding).hasSize(1);
    String holdingU1 = holding.get(0);
    List<Snapshot> naming = new ArrayList<>();
    List<Snapshot> notNaming = new ArrayList<>();
    for (Snapshot snapshot : snapshotsBefore) {
      (files(before, snapshot).contains(holdingU1) ? naming : notNaming).add(snapshot);
    }
    assertThat(naming).hasSize(2);
    assertThat(notNaming).hasSize(1);

    Entity user = storage.catalog().entity("user_id").orElseThrow();
    ErasureReceipt receipt = bed.erase(user, List.of("u1"));

    assertThat(receipt.snapshotsExpiredByTable())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "feature_groups.activity",
                (long) naming.size(),
                "training_sets." + trainingSet.id(),
                1L));
    assertThat(receipt.snapshotsExpired()).isEqualTo(naming.size() + 1);
    // The erasure left nothing for the next load to expire.
    IcebergTables.CaughtUp group = tables.featureGroup("activity");
    IcebergTables.CaughtUp output = tables.trainingSet(trainingSet.id().toString(), any -> true);
    assertThat(group.snapshotsExpired()).isZero();
    assertThat(output.snapshotsExpired()).isZero();
    assertThat(ids(group.table()))
        .doesNotContainAnyElementsOf(ids(naming))
        .containsAll(ids(notNaming));
    assertThat(ids(output.table())).doesNotContainAnyElementsOf(ids(outputBefore));
    for (IcebergTables.CaughtUp caughtUp : List.of(group, output)) {
      Table table = caughtUp.table();
      for (Snapshot snapshot : table.snapshots()) {
        assertThat(keys(table, snapshot)).doesNotContain("u1").contains("u2");
      }
    }
    // Their metadata is gone with them: no manifest left (their column bounds may be the erased
    // key) names the file that held it.
    assertThat(naming)
        .allSatisfy(
            snapshot ->
                assertThat(Path.of(URI.create(snapshot.manifestListLocation()))).doesNotExist());
    assertThat(files(group.table())).doesNotContain(holdingU1);
    try (Stream<Path> metadata =
        Files.list(folder.resolve("objects/iceberg/feature_groups/activity/metadata"))) {
      metadata
          .filter(file -> file.getFileName().toString().endsWith("-m0.avro"))
          .forEach(
              manifest ->
                  assertThat(
                          IcebergTables.filesNamedBy(
                              group.table().io().newInputFile(manifest.toUri().toString())))
                      .doesNotContain(holdingU1));
    }
    assertThat(icebergRows(group.table(), group.table().currentSnapshot()))
        .containsExactlyInAnyOrderElementsOf(ourRows(storage.catalog().latestSequence("activity")));
  }

  @Test
  void anErasurePublishesNoTableThatNoEngineLoaded() throws IOException {
    var storage = bed.storage();
    storage.appendJson(
        "activity", "{\"user_id\":\"u1\",\"event_time\":\"2026-02-01T00:00:00Z\",\"clicks\":1}");

    ErasureReceipt receipt =
        bed.erase(storage.catalog().entity("user_id").orElseThrow(), List.of("u1"));

    assertThat(receipt.filesRewritten()).isEqualTo(1);
    assertThat(receipt.snapshotsExpiredByTable()).isEmpty();
    assertThat(folder.resolve("objects/iceberg")).doesNotExist();
  }

  private static List<String> files(Table table) throws IOException {
    return files(table, table.currentSnapshot());
  }

  private static List<String> files(Table table, Snapshot snapshot) throws IOException {
    List<String> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      tasks.forEach(task -> files.add(task.file().location()));
    }
    return files;
  }

  private static List<Long> ids(Table table) {
    return ids(table.snapshots());
  }

  private static List<Long> ids(Iterable<Snapshot> snapshots) {
    List<Long> ids = new ArrayList<>();
    snapshots.forEach(snapshot -> ids.add(snapshot.snapshotId()));
    return ids;
  }

  private static List<String> keys(Table table, Snapshot snapshot) throws IOException {
    List<String> keys = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
      records.forEach(record -> keys.add(String.valueOf(record.getField("user_id"))));
    }
    return keys;
  }

  private static List<List<Object>> icebergRows(Table table, Snapshot snapshot) throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
      for (Record record : records) {
        List<Object> row = new ArrayList<>();
        for (String column : COLUMNS) {
          Object value = record.struct().field(column) == null ? null : record.getField(column);
          row.add(
              value instanceof OffsetDateTime time
                  ? ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant())
                  : value == null ? null : value.toString());
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private List<List<Object>> ourRows(long sequence) throws IOException {
    FeatureGroup group = bed.storage().catalog().featureGroup("activity").orElseThrow();
    List<List<Object>> rows = new ArrayList<>();
    bed.storage()
        .reader()
        .snapshot(group, sequence)
        .forEachBatch(FeatureFileScan.allFeatures(group), batch -> rows.addAll(rowsOf(batch)));
    return rows;
  }

  private static List<List<Object>> rowsOf(VectorSchemaRoot batch) {
    List<List<Object>> rows = new ArrayList<>();
    for (int row = 0; row < batch.getRowCount(); row++) {
      List<Object> values = new ArrayList<>();
      for (String column : COLUMNS) {
        FieldVector vector = batch.getVector(column);
        if (vector == null || vector.isNull(row)) {
          values.add(null);
        } else if (vector instanceof TimeStampVector times) {
          values.add(times.get(row));
        } else {
          values.add(vector.getObject(row).toString());
        }
      }
      rows.add(values);
    }
    return rows;
  }
}
