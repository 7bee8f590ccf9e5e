package dev.featurestore.core.ingest;

import static dev.featurestore.core.ingest.IngestFakes.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplacedFileRetentionTest {
  private static final Duration RETENTION = Duration.ofDays(7);

  @TempDir Path folder;
  private IngestFakes fakes;
  private final List<String> evicted = new ArrayList<>();
  private List<DataFile> replaced;

  @BeforeEach
  void compactTwoCommits() throws IOException {
    fakes = new IngestFakes(folder);
    fakes.append(1, Optional.empty(), "u1,2026-01-01T00:00:00Z,1");
    fakes.append(1, Optional.empty(), "u2,2026-01-01T00:00:00Z,2");
    replaced = fakes.catalog.dataFiles(GROUP, 2);
    assertThat(fakes.compactor().compact(GROUP, "tester")).isPresent();
  }

  @AfterEach
  void close() {
    fakes.close();
  }

  @Test
  void keepsReplacedFilesForTheRetention() throws IOException {
    fakes.clock.advance(RETENTION.minusSeconds(1));

    assertThat(retention().expire()).isEmpty();
    assertThat(fakes.catalog.oldestReadableSequence(GROUP)).isZero();
  }

  @Test
  void deletesReplacedFilesAndTheirCopiesAfterTheRetention() throws IOException {
    fakes.clock.advance(RETENTION.plusSeconds(1));

    assertThat(retention().expire())
        .containsExactlyInAnyOrderElementsOf(replaced.stream().map(DataFile::objectKey).toList());

    assertThat(fakes.storedObjects()).hasSize(1);
    assertThat(evicted)
        .containsExactlyInAnyOrderElementsOf(replaced.stream().map(DataFile::contentHash).toList());
    assertThat(fakes.catalog.oldestReadableSequence(GROUP)).isEqualTo(3);
    assertThat(retention().expire()).as("a second pass finds nothing").isEmpty();
  }

  @Test
  void anExpiryOfUnknownOutcomeDeletesNothing() throws IOException {
    fakes.clock.advance(RETENTION.plusSeconds(1));
    fakes.catalog.failNextCommitAfterApplying(new CommitStateUnknownException("cut", null));

    assertThatThrownBy(() -> retention().expire()).isInstanceOf(CommitStateUnknownException.class);

    assertThat(fakes.storedObjects()).hasSize(3);
    assertThat(evicted).isEmpty();
  }

  private ReplacedFileRetention retention() {
    return new ReplacedFileRetention(
        fakes.catalog, fakes.objects, evicted::add, RETENTION, fakes.clock);
  }
}
