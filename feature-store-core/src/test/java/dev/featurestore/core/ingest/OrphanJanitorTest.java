package dev.featurestore.core.ingest;

import static dev.featurestore.core.ingest.IngestFakes.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.objectstore.ObjectLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanJanitorTest {
  private static final Duration GRACE_PERIOD = Duration.ofHours(1);

  @TempDir Path folder;
  private IngestFakes fakes;
  private OrphanJanitor janitor;

  @BeforeEach
  void setUp() {
    fakes = new IngestFakes(folder);
    janitor = new OrphanJanitor(fakes.catalog, fakes.objects, GRACE_PERIOD, fakes.clock);
  }

  @AfterEach
  void close() {
    fakes.close();
  }

  @Test
  void deletesOnlyUnreferencedObjectsOlderThanTheGracePeriod() throws IOException {
    fakes.append(1, Optional.empty(), "u1,2026-01-01T00:00:00Z,1");
    String orphan = ObjectLayout.newFeatureGroupFile(GROUP);
    fakes.objects.put(orphan, new byte[] {1});
    fakes.objects.put("uploads/spine", new byte[] {1});

    fakes.clock.advance(GRACE_PERIOD.minusSeconds(1));
    assertThat(janitor.sweep()).as("still within the grace period").isEmpty();

    fakes.clock.advance(Duration.ofSeconds(2));
    assertThat(janitor.sweep()).containsExactly(orphan);
    assertThat(fakes.objects.keys()).doesNotContain(orphan).contains("uploads/spine");
  }

  @Test
  void reclaimsTheObjectsOfACommitOfUnknownOutcomeOnlyIfItWasNotMade() throws IOException {
    fakes.catalog.failNextCommit(new CommitStateUnknownException("cut, not committed", null));
    assertThatThrownBy(() -> fakes.append(1, Optional.empty(), "u1,2026-01-01T00:00:00Z,1"))
        .isInstanceOf(CommitStateUnknownException.class);
    List<String> notCommitted = fakes.storedObjects();
    fakes.catalog.failNextCommitAfterApplying(new CommitStateUnknownException("cut", null));
    assertThatThrownBy(() -> fakes.append(1, Optional.empty(), "u2,2026-01-01T00:00:00Z,2"))
        .isInstanceOf(CommitStateUnknownException.class);
    List<String> committed =
        fakes.catalog.dataFiles(GROUP, 1).stream().map(DataFile::objectKey).toList();

    fakes.clock.advance(GRACE_PERIOD.plusSeconds(1));

    assertThat(janitor.sweep()).containsExactlyElementsOf(notCommitted);
    assertThat(fakes.storedObjects()).containsExactlyElementsOf(committed);
  }
}
