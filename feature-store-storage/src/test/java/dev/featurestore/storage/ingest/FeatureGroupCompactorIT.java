package dev.featurestore.storage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction rewrites small files as one commit without changing what any version reads. */
class FeatureGroupCompactorIT {
  private static final String GROUP = "user_activity";

  @TempDir Path folder;
  private StorageTestBed bed;
  private JdbcCatalog catalog;
  private FeatureGroupReader reader;
  private FeatureGroupCompactor compactor;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    catalog = bed.catalog();
    reader = bed.reader();
    compactor = bed.compactor();
    bed.userGroup(
        GROUP,
        FeatureDefinition.scalar("clicks_7d", FeatureType.INT64),
        FeatureDefinition.vector("embedding", 2));
  }

  @AfterEach
  void noLeaks() {
    bed.close();
  }

  @Test
  void readsAsOfEveryVersionAreIdenticalBeforeAndAfterCompaction() throws IOException {
    append("{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":1}");
    append(
        "{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":2,"
            + "\"embedding\":[1,2]},"
            + "{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":3}");
    catalog.addFeatures(GROUP, List.of(FeatureDefinition.scalar("country", FeatureType.STRING)));
    append("{\"user_id\":\"u1\",\"event_time\":\"2026-02-01T00:00:00Z\",\"country\":\"NL\"}");
    Map<Long, List<String>> before = new HashMap<>();
    for (long sequence = 1; sequence <= 3; sequence++) {
      before.put(sequence, sortedRows(sequence));
    }

    Commit compaction = compactor.compact(GROUP, "tester").orElseThrow();

    assertThat(compaction.kind()).isEqualTo(CommitKind.COMPACTION);
    assertThat(compaction.sequence()).isEqualTo(4);
    assertThat(compaction.rows()).isEqualTo(4);
    FeatureGroup group = catalog.featureGroup(GROUP).orElseThrow();
    assertThat(reader.snapshot(group, 4).files()).hasSize(1);
    assertThat(reader.snapshot(group, 3).files()).hasSize(3);
    for (long sequence = 1; sequence <= 3; sequence++) {
      assertThat(sortedRows(sequence)).isEqualTo(before.get(sequence));
    }
    assertThat(sortedRows(4)).isEqualTo(before.get(3L));
    assertThat(rowsInFileOrder(4))
        .containsExactly(
            "u1 seq=3 ord=0 null null NL",
            "u1 seq=2 ord=0 2 [1.0,2.0] null",
            "u2 seq=1 ord=0 1 null null",
            "u2 seq=2 ord=1 3 null null");
  }

  @Test
  void nothingToCompactWithFewerThanTwoSmallFiles() throws IOException {
    append("{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"}");
    assertThat(compactor.compact(GROUP, "tester")).isEmpty();
    assertThat(catalog.commits(GROUP)).hasSize(1);
  }

  @Test
  void compactsAfterCommitsOnlyOnceSmallFilesAddUpToTheThreshold() throws IOException {
    append("{\"user_id\":\"u1\",\"event_time\":\"2026-03-01T00:00:00Z\"}");
    append("{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\"}");
    assertThat(compactor.compactIfAtLeast(GROUP, 3, "auto")).isEmpty();
    assertThat(catalog.liveFilesSmallerThan(GROUP, FeatureGroupCompactor.SMALL_FILE_BYTES))
        .isEqualTo(2);

    append("{\"user_id\":\"u3\",\"event_time\":\"2026-03-01T00:00:00Z\"}");
    Commit compaction = compactor.compactIfAtLeast(GROUP, 3, "auto").orElseThrow();
    assertThat(compaction.kind()).isEqualTo(CommitKind.COMPACTION);
    assertThat(catalog.liveFilesSmallerThan(GROUP, FeatureGroupCompactor.SMALL_FILE_BYTES))
        .isEqualTo(1);
    assertThat(catalog.liveFilesSmallerThan(GROUP, 1)).isZero();
    assertThat(sortedRows(compaction.sequence())).isEqualTo(sortedRows(3));
  }

  private Commit append(String rows) throws IOException {
    return bed.appendJson(GROUP, rows);
  }

  /** Rows as of {@code sequence} with their commit sequence and write time, in a stable order. */
  private List<String> sortedRows(long sequence) throws IOException {
    List<String> rows = new ArrayList<>();
    forEachRow(
        sequence,
        (batch, row) -> {
          StringBuilder line = new StringBuilder();
          for (int column = 0; column < batch.getFieldVectors().size(); column++) {
            line.append(batch.getVector(column).getObject(row)).append(' ');
          }
          rows.add(line.toString());
        });
    rows.sort(null);
    return rows;
  }

  private List<String> rowsInFileOrder(long sequence) throws IOException {
    List<String> rows = new ArrayList<>();
    forEachRow(
        sequence,
        (batch, row) ->
            rows.add(
                batch.getVector("user_id").getObject(row)
                    + " seq="
                    + batch.getVector("_commit_sequence").getObject(row)
                    + " ord="
                    + batch.getVector("_row_ordinal").getObject(row)
                    + " "
                    + batch.getVector("clicks_7d").getObject(row)
                    + " "
                    + batch.getVector("embedding").getObject(row)
                    + " "
                    + batch.getVector("country").getObject(row)));
    return rows;
  }

  private interface RowConsumer {
    void accept(VectorSchemaRoot batch, int row);
  }

  private void forEachRow(long sequence, RowConsumer consumer) throws IOException {
    FeatureGroup group = catalog.featureGroup(GROUP).orElseThrow();
    reader
        .snapshot(group, sequence)
        .forEachBatch(
            FeatureFileScan.allFeatures(group),
            batch -> {
              for (int row = 0; row < batch.getRowCount(); row++) {
                consumer.accept(batch, row);
              }
            });
  }
}
