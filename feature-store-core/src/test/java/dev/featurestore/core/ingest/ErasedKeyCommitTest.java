package dev.featurestore.core.ingest;

import static dev.featurestore.core.ingest.IngestFakes.GROUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.testing.InMemoryTombstones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erased keys stay erased: a commit holding one is refused, or loses those rows under DROP. */
class ErasedKeyCommitTest {
  private static final String[] FIVE_ROWS = {
    "u1,2026-01-01T00:00:00Z,1",
    "u2,2026-01-01T00:00:00Z,2",
    "u3,2026-01-01T00:00:00Z,3",
    "u4,2026-01-01T00:00:00Z,4",
    "u2,2026-01-02T00:00:00Z,5"
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
  void refusesACommitHoldingAnErasedKeyNamingTheRowsByIndex() throws IOException {
    fakes().tombstones.lay("user_id", "u2");

    assertThatThrownBy(() -> fakes.append(2, Optional.empty(), FIVE_ROWS))
        .isInstanceOfSatisfying(
            ErasedKeyException.class,
            refused ->
                assertThat(refused.errors())
                    .extracting(FieldError::field)
                    .containsExactly("rows[1]", "rows[4]"))
        .hasMessageStartingWith("2 rows hold keys of entity 'user_id' that were erased")
        .message()
        .doesNotContain("u2");
    assertThat(fakes.catalog.latestSequence(GROUP)).isZero();
    assertThat(fakes.storedObjects()).isEmpty();
  }

  @Test
  void underDropLeavesTheErasedRowsOutAndCountsThem() throws IOException {
    fakes().tombstones.lay("user_id", "u2");
    fakes.tombstones.lay("user_id", "u4");
    fakes.catalog.setErasedKeyPolicy(GROUP, ErasedKeyPolicy.DROP);

    Commit commit = fakes.append(2, Optional.of("drop-1"), FIVE_ROWS);

    assertThat(commit.rows()).isEqualTo(2);
    assertThat(commit.droppedErasedRows()).isEqualTo(3);
    assertThat(fakes.catalog.dataFiles(GROUP, 1))
        .extracting(DataFile::keyMin, DataFile::keyMax)
        .allSatisfy(range -> assertThat(range.toList()).doesNotContain("u2", "u4"));
    assertThat(fakes.append(2, Optional.of("drop-1"), FIVE_ROWS).droppedErasedRows())
        .as("an idempotent retry answers the same count")
        .isEqualTo(3);
  }

  @Test
  void underDropAnUploadOfOnlyErasedKeysCommitsNoRows() throws IOException {
    fakes().tombstones.lay("user_id", "u2");
    fakes.catalog.setErasedKeyPolicy(GROUP, ErasedKeyPolicy.DROP);

    Commit commit =
        fakes.append(2, Optional.empty(), "u2,2026-01-01T00:00:00Z,1", "u2,2026-01-02T00:00:00Z,2");

    assertThat(commit.rows()).isZero();
    assertThat(commit.droppedErasedRows()).isEqualTo(2);
    assertThat(fakes.storedObjects()).isEmpty();
  }

  @Test
  void aLiftedTombstoneLetsTheKeyBack() throws IOException {
    String digest = fakes().tombstones.lay("user_id", "u2").keyDigest();
    fakes.tombstones.lift("user_id", digest);

    Commit commit = fakes.append(2, Optional.empty(), FIVE_ROWS);

    assertThat(commit.rows()).isEqualTo(5);
    assertThat(commit.droppedErasedRows()).isZero();
  }

  @Test
  void tombstonesOfAnotherEntityDoNotMatter() throws IOException {
    fakes().tombstones.lay("account_id", "u2");

    assertThat(fakes.append(2, Optional.empty(), FIVE_ROWS).rows()).isEqualTo(5);
    assertThat(InMemoryTombstones.DIGESTS.digest("account_id", "u2"))
        .isNotEqualTo(InMemoryTombstones.DIGESTS.digest("user_id", "u2"));
  }
}
