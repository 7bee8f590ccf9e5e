package dev.featurestore.core.ingest;

import static dev.featurestore.core.ingest.IngestFakes.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.testing.TextRows;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.memory.OutOfMemoryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureGroupWriterTest {
  private static final String[] FIVE_ROWS = {
    "u1,2026-01-01T00:00:00Z,1",
    "u2,2026-01-01T00:00:00Z,2",
    "u3,2026-01-01T00:00:00Z,3",
    "u4,2026-01-01T00:00:00Z,4",
    "u5,2026-01-01T00:00:00Z,5"
  };

  @TempDir Path folder;
  private IngestFakes fakes;

  private IngestFakes fakes() {
    if (fakes == null) {
      fakes = new IngestFakes(folder);
    }
    return fakes;
  }

  @AfterEach
  void close() {
    fakes.close();
  }

  @Test
  void commitsEveryBatchOfAnUploadAsFilesOfOneCommit() throws IOException {
    Commit commit = fakes().append(2, Optional.empty(), FIVE_ROWS);

    assertThat(commit.sequence()).isEqualTo(1);
    assertThat(commit.rows()).isEqualTo(5);
    assertThat(commit.files()).hasSize(3);
    assertThat(fakes.catalog.dataFiles(GROUP, 1))
        .extracting(DataFile::objectKey)
        .containsExactlyInAnyOrderElementsOf(fakes.storedObjects());
  }

  @Test
  void anIdempotentRetryReturnsTheFirstCommitAndWritesNothing() throws IOException {
    Commit first = fakes().append(2, Optional.of("retry-1"), FIVE_ROWS);

    Commit retry = fakes.append(2, Optional.of("retry-1"), FIVE_ROWS);

    assertThat(retry).isEqualTo(first);
    assertThat(fakes.catalog.latestSequence(GROUP)).isEqualTo(1);
    assertThat(fakes.storedObjects()).hasSize(3);
    assertThatThrownBy(() -> fakes.append(2, Optional.of("retry-1"), "u9,2026-01-01T00:00:00Z,9"))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void aFailedCommitDeletesTheObjectsItWrote() throws IOException {
    fakes().catalog.failNextCommit(new IllegalStateException("refused by the catalog"));

    assertThatThrownBy(() -> fakes.append(2, Optional.empty(), FIVE_ROWS))
        .hasMessage("refused by the catalog");

    assertThat(fakes.catalog.latestSequence(GROUP)).isZero();
    assertThat(fakes.storedObjects()).isEmpty();
  }

  @Test
  void aCommitOfUnknownOutcomeDeletesNothing() throws IOException {
    fakes().catalog.failNextCommit(new CommitStateUnknownException("cut during COMMIT", null));

    assertThatThrownBy(() -> fakes.append(2, Optional.of("retry-1"), FIVE_ROWS))
        .isInstanceOf(CommitStateUnknownException.class);

    assertThat(fakes.storedObjects()).hasSize(3);
    assertThat(fakes.catalog.latestSequence(GROUP)).isZero();
  }

  @Test
  void aRetryAfterAnUnknownOutcomeThatCommittedAnswersThatCommit() throws IOException {
    fakes().catalog.failNextCommitAfterApplying(new CommitStateUnknownException("cut", null));
    assertThatThrownBy(() -> fakes.append(2, Optional.of("retry-1"), FIVE_ROWS))
        .isInstanceOf(CommitStateUnknownException.class);
    Commit made = fakes.catalog.commitByIdempotencyKey(GROUP, "retry-1").orElseThrow();

    assertThat(fakes.append(2, Optional.of("retry-1"), FIVE_ROWS)).isEqualTo(made);
    assertThat(fakes.catalog.dataFiles(GROUP, 1))
        .extracting(DataFile::objectKey)
        .containsExactlyInAnyOrderElementsOf(fakes.storedObjects());
  }

  @Test
  void aFailedCleanupIsKeptAsSuppressedOnTheFailure() throws IOException {
    fakes().catalog.failNextCommit(new IllegalStateException("refused by the catalog"));
    fakes.objects.failNextDelete(new ObjectStoreUnavailableException("store down"));

    assertThatThrownBy(() -> fakes.append(2, Optional.empty(), FIVE_ROWS))
        .hasMessage("refused by the catalog")
        .satisfies(
            failure ->
                assertThat(failure.getSuppressed())
                    .singleElement()
                    .isInstanceOf(ObjectStoreUnavailableException.class));
    assertThat(fakes.storedObjects()).as("the other objects are deleted").hasSize(1);
  }

  @Test
  void aBadRowAfterStoredBatchesDeletesThemAndCommitsNothing() throws IOException {
    assertThatThrownBy(
            () ->
                fakes()
                    .append(
                        1,
                        Optional.empty(),
                        "u1,2026-01-01T00:00:00Z,1",
                        "u2,2026-01-01T00:00:00Z,2",
                        "u3,2026-01-01T00:00:00Z"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("rows[2]");

    assertThat(fakes.storedObjects()).isEmpty();
    assertThat(fakes.catalog.latestSequence(GROUP)).isZero();
  }

  @Test
  void aStoreFailureFailsTheUploadAndDeletesWhatWasStored() throws IOException {
    fakes().objects.failNextPut(new ObjectStoreUnavailableException("store down"));

    assertThatThrownBy(() -> fakes.append(2, Optional.empty(), FIVE_ROWS))
        .isInstanceOf(ObjectStoreUnavailableException.class);

    assertThat(fakes.storedObjects()).isEmpty();
    assertThat(fakes.catalog.latestSequence(GROUP)).isZero();
  }

  @Test
  void arrowMemoryBeyondTheRequestsLimitFailsTheUploadOnly() throws IOException {
    FeatureGroupWriter smallMemory = fakes().writer(fakes.settings().withMemoryPerRequest(1_024));

    assertThatThrownBy(
            () ->
                smallMemory.append(
                    GROUP,
                    TextRows.FORMAT,
                    TextRows.upload(folder, FIVE_ROWS),
                    Optional.empty(),
                    "tester"))
        .isInstanceOf(OutOfMemoryException.class);

    assertThat(fakes.storedObjects()).isEmpty();
    assertThat(fakes.append(2, Optional.empty(), FIVE_ROWS).rows()).isEqualTo(5);
  }

  @Test
  void refusesAnUploadWithoutRows() {
    assertThatThrownBy(() -> fakes().append(2, Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no rows");
  }
}
