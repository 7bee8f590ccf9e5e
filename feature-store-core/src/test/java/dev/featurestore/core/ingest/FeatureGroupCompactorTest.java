package dev.featurestore.core.ingest;

import static dev.featurestore.core.ingest.IngestFakes.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureGroupCompactorTest {
  @TempDir Path folder;
  private IngestFakes fakes;

  @BeforeEach
  void threeSmallCommits() throws IOException {
    fakes = new IngestFakes(folder);
    fakes.append(1, Optional.empty(), "u1,2026-01-01T00:00:00Z,1", "u3,2026-01-01T00:00:00Z,3");
    fakes.append(1, Optional.empty(), "u2,2026-01-02T00:00:00Z,2");
    fakes.append(1, Optional.empty(), "u1,2026-01-03T00:00:00Z,11");
  }

  @AfterEach
  void close() {
    fakes.close();
  }

  @Test
  void replacesTheSmallFilesWithOneSortedFileHoldingEachRowsCommit() throws IOException {
    List<String> before =
        fakes.catalog.dataFiles(GROUP, 3).stream().map(DataFile::objectKey).toList();

    Commit compaction = fakes.compactor().compact(GROUP, "tester").orElseThrow();

    assertThat(compaction.kind()).isEqualTo(CommitKind.COMPACTION);
    assertThat(compaction.sequence()).isEqualTo(4);
    DataFile merged = fakes.catalog.dataFiles(GROUP, 4).stream().collect(onlyOne());
    assertThat(rows(4, merged)).containsExactly("u1@1", "u1@3", "u2@2", "u3@1");
    assertThat(fakes.catalog.dataFiles(GROUP, 3))
        .as("earlier versions still read the replaced files")
        .extracting(DataFile::objectKey)
        .containsExactlyElementsOf(before);
  }

  @Test
  void leavesAGroupWithFewerThanTwoSmallFiles() throws IOException {
    fakes.compactor().compact(GROUP, "tester");

    assertThat(fakes.compactor().compact(GROUP, "tester")).isEmpty();
    assertThat(fakes.compactor().compactIfAtLeast(GROUP, 2, "tester")).isEmpty();
  }

  @Test
  void aFailedCompactionCommitDeletesTheMergedObjects() throws IOException {
    List<String> before = fakes.storedObjects();
    fakes.catalog.failNextCommit(new IllegalStateException("refused"));

    assertThatThrownBy(() -> fakes.compactor().compact(GROUP, "tester")).hasMessage("refused");

    assertThat(fakes.storedObjects()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(fakes.catalog.latestSequence(GROUP)).isEqualTo(3);
  }

  @Test
  void aCompactionCommitOfUnknownOutcomeKeepsTheMergedObjects() throws IOException {
    List<String> before = fakes.storedObjects();
    fakes.catalog.failNextCommitAfterApplying(new CommitStateUnknownException("cut", null));

    assertThatThrownBy(() -> fakes.compactor().compact(GROUP, "tester"))
        .isInstanceOf(CommitStateUnknownException.class);

    DataFile merged = fakes.catalog.dataFiles(GROUP, 4).stream().collect(onlyOne());
    assertThat(fakes.storedObjects()).containsAll(before).contains(merged.objectKey());
  }

  @Test
  void aCompactionBeyondItsArrowMemoryCommitsNothing() {
    FeatureGroupCompactor smallMemory =
        new FeatureGroupCompactor(
            fakes.catalog, fakes.objects, fakes.files, fakes.writer(1_000), fakes.allocator, 1_024);

    assertThatThrownBy(() -> smallMemory.compact(GROUP, "tester"))
        .isInstanceOf(OutOfMemoryException.class);

    assertThat(fakes.catalog.latestSequence(GROUP)).isEqualTo(3);
  }

  /** The file's rows as {@code key@commitSequence}, in file order. */
  private List<String> rows(long sequence, DataFile file) throws IOException {
    List<String> rows = new ArrayList<>();
    fakes.files.forEachBatch(
        fakes.catalog.featureGroup(GROUP).orElseThrow(),
        sequence,
        List.of(file),
        fakes.allocator,
        batch -> {
          VarCharVector keys = (VarCharVector) batch.getVector(0);
          BigIntVector sequences = (BigIntVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE);
          for (int row = 0; row < batch.getRowCount(); row++) {
            rows.add(keys.getObject(row) + "@" + sequences.get(row));
          }
        });
    return rows;
  }

  private static <T> java.util.stream.Collector<T, ?, T> onlyOne() {
    return java.util.stream.Collectors.collectingAndThen(
        java.util.stream.Collectors.toList(),
        list -> {
          assertThat(list).hasSize(1);
          return list.get(0);
        });
  }
}
