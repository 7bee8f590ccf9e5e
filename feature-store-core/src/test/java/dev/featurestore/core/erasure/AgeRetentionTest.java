package dev.featurestore.core.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryErasureLedger;
import dev.featurestore.core.testing.InMemoryObjectStore;
import dev.featurestore.core.testing.KeyLinesObjectRewriter;
import dev.featurestore.core.testing.TestingGroups;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The retention by age against in-memory fakes: rows are {@code key@eventTime} lines of the fake
 * rewriter.
 */
class AgeRetentionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryObjectStore objects = new InMemoryObjectStore();
  private final InMemoryErasureLedger ledger = new InMemoryErasureLedger();
  private final KeyLinesObjectRewriter rewriter = new KeyLinesObjectRewriter(objects);
  private final AgeRetention retention =
      AgeRetention.over(ledger, catalog, rewriter, objects, PublishedTables.NONE);
  private FeatureGroup group;

  @BeforeEach
  void defineGroup() {
    group = TestingGroups.clicks(catalog);
  }

  @Test
  void aGroupWithoutMaxAgeIsNeverDue() throws IOException {
    append("u1@2000-01-01T00:00:00Z");

    assertThat(retention.due(NOW)).isEmpty();
  }

  @Test
  void removesRowsOlderThanTheMaxAgeFromEveryFileWithAReceiptAndACommit() throws IOException {
    catalog.retainFor(group.name(), MaxAge.parse("maxAge", "P1Y"));
    append("u1@2024-01-01T00:00:00Z", "u1@2025-07-01T00:00:00Z", "u2@2025-05-31T23:59:59Z");
    append("u3@2025-06-01T00:00:00Z");
    append("u4@2026-01-01T00:00:00Z", "u5@2020-01-01T00:00:00Z");

    List<AgeRetention.Due> due = retention.due(NOW);
    assertThat(due)
        .singleElement()
        .satisfies(
            run ->
                assertThat(run.run())
                    .isEqualTo(
                        new RetentionRun(group.name(), Instant.parse("2025-06-01T00:00:00Z"))));
    UUID id = UUID.randomUUID();
    retention.record(id, due.get(0), "retention");
    ErasureReceipt receipt = retention.run(id, done -> {});

    assertThat(rowsOfGroup())
        .containsExactlyInAnyOrder(
            "u1@2025-07-01T00:00:00Z", "u3@2025-06-01T00:00:00Z", "u4@2026-01-01T00:00:00Z");
    assertThat(receipt.filesRewritten()).isEqualTo(2);
    assertThat(receipt.rowsRemoved()).isEqualTo(3);
    assertThat(receipt.completedAt()).isPresent();
    assertThat(catalog.commits(group.name()))
        .filteredOn(commit -> commit.kind() == CommitKind.ERASURE)
        .singleElement()
        .extracting(Commit::rows)
        .isEqualTo(3L);
    assertThat(ledger.find(id).orElseThrow().reason()).contains("P1Y", group.name());
  }

  @Test
  void aRunInProgressKeepsTheGroupFromBeingDueTwice() throws IOException {
    catalog.retainFor(group.name(), MaxAge.parse("maxAge", "P1Y"));
    append("u1@2020-01-01T00:00:00Z");
    retention.record(UUID.randomUUID(), retention.due(NOW).get(0), "retention");

    assertThat(retention.due(NOW)).isEmpty();
  }

  @Test
  void runningACompletedRunAgainChangesNothing() throws IOException {
    catalog.retainFor(group.name(), MaxAge.parse("maxAge", "P1Y"));
    append("u1@2020-01-01T00:00:00Z", "u2@2026-01-01T00:00:00Z");
    UUID id = UUID.randomUUID();
    retention.record(id, retention.due(NOW).get(0), "retention");
    ErasureReceipt first = retention.run(id, done -> {});
    List<Commit> commits = catalog.commits(group.name());

    ErasureReceipt again = retention.run(id, done -> {});

    assertThat(again).isEqualTo(first);
    assertThat(catalog.commits(group.name())).isEqualTo(commits);
    assertThat(retention.due(NOW)).isEmpty();
  }

  private void append(String... rows) throws IOException {
    NewDataFile file =
        rewriter.store(ObjectLayout.newFeatureGroupFile(group.name()), List.of(rows));
    catalog.commit(
        new PendingAppend(group.name(), 1, List.of(file), Optional.empty(), "request", "test"));
  }

  private List<String> rowsOfGroup() throws IOException {
    List<String> rows = new ArrayList<>();
    for (DataFile file : catalog.dataFiles(group.name(), catalog.latestSequence(group.name()))) {
      rows.addAll(rewriter.rows(file.objectKey()));
    }
    return rows;
  }
}
