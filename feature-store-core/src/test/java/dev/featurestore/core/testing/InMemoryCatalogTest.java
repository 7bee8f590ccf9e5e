package dev.featurestore.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InMemoryCatalogTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryCatalog catalog = new InMemoryCatalog(clock);

  @BeforeEach
  void defineGroup() {
    TestingGroups.clicks(catalog);
  }

  @Test
  void refusesTakenNamesAndUnknownEntities() {
    assertThatThrownBy(() -> catalog.createEntity(new Entity("user_id", KeyType.INT64, "")))
        .isInstanceOf(ConflictException.class);
    FeatureGroup orphan =
        new FeatureGroup(
            "orphan",
            new Entity("nobody", KeyType.STRING, ""),
            List.of(),
            Duration.ZERO,
            false,
            "",
            1);
    assertThatThrownBy(() -> catalog.createFeatureGroup(orphan))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> catalog.latestSequence("missing"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void commitsCountUpWithStrictlyIncreasingWriteTimes() {
    Commit first = catalog.commit(append("a", Optional.empty()));
    Commit second = catalog.commit(append("b", Optional.empty()));

    assertThat(first.sequence()).isEqualTo(1);
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(second.writeTime()).isAfter(first.writeTime());
    assertThat(catalog.sequenceAt("clicks", first.writeTime())).isEqualTo(1);
    assertThat(catalog.commits("clicks"))
        .extracting(Commit::id)
        .containsExactly(first.id(), second.id());
    assertThat(catalog.dataFiles("clicks", 1)).extracting(DataFile::objectKey).containsExactly("a");
    assertThat(catalog.dataFiles("clicks", 2))
        .extracting(DataFile::objectKey)
        .containsExactly("a", "b");
  }

  @Test
  void anIdempotentRetryReturnsTheFirstCommitAndAnotherRequestConflicts() {
    Commit first = catalog.commit(append("a", Optional.of("key-1")));

    assertThat(catalog.commit(append("b", Optional.of("key-1")))).isEqualTo(first);
    assertThat(catalog.commitByIdempotencyKey("clicks", "key-1")).contains(first);
    assertThatThrownBy(
            () ->
                catalog.commit(
                    new PendingAppend(
                        "clicks", 1, List.of(file("c")), Optional.of("key-1"), "other", "p")))
        .isInstanceOf(ConflictException.class);
    assertThat(catalog.latestSequence("clicks")).isEqualTo(1);
  }

  @Test
  void compactionReplacesFilesForLaterVersionsOnlyAndLosesToAnEarlierOne() {
    DataFile a = onlyFile(catalog.commit(append("a", Optional.empty())));
    DataFile b = onlyFile(catalog.commit(append("b", Optional.empty())));

    Commit compaction =
        catalog.compact(
            new PendingCompaction("clicks", 1, List.of(a.id(), b.id()), List.of(file("ab")), "p"));

    assertThat(compaction.kind()).isEqualTo(CommitKind.COMPACTION);
    assertThat(catalog.dataFiles("clicks", 2))
        .extracting(DataFile::objectKey)
        .containsExactly("a", "b");
    DataFile merged = catalog.dataFiles("clicks", 3).get(0);
    assertThat(merged.objectKey()).isEqualTo("ab");
    assertThat(merged.minCommitSequence()).isEqualTo(1);
    assertThat(merged.maxCommitSequence()).isEqualTo(2);
    assertThat(catalog.liveFilesSmallerThan("clicks", Long.MAX_VALUE)).isEqualTo(1);
    assertThatThrownBy(
            () ->
                catalog.compact(
                    new PendingCompaction("clicks", 1, List.of(a.id()), List.of(file("x")), "p")))
        .isInstanceOf(ConflictException.class);
    assertThat(catalog.latestSequence("clicks")).isEqualTo(3);
  }

  @Test
  void expiresReplacedFilesAfterTheirReplacementInOrder() {
    DataFile a = onlyFile(catalog.commit(append("a", Optional.empty())));
    DataFile b = onlyFile(catalog.commit(append("b", Optional.empty())));
    catalog.compact(
        new PendingCompaction("clicks", 1, List.of(a.id(), b.id()), List.of(file("ab")), "p"));
    clock.advance(Duration.ofDays(1));

    assertThat(catalog.replacedFilesToExpire(START.minusSeconds(1))).isEmpty();
    List<DataFile> due = catalog.replacedFilesToExpire(clock.instant());
    assertThat(due).extracting(DataFile::objectKey).containsExactly("a", "b");

    assertThat(catalog.expire(a.id())).isTrue();
    assertThat(catalog.expire(a.id())).isFalse();
    assertThat(catalog.referencesObject("a")).isFalse();
    assertThat(catalog.referencesObject("b")).isTrue();
    assertThat(catalog.expire(b.id())).isTrue();
    assertThat(catalog.oldestReadableSequence("clicks")).isEqualTo(3);
    assertThat(catalog.retainedDataFiles("clicks"))
        .extracting(DataFile::objectKey)
        .containsExactly("ab");
    assertThat(catalog.referencedContents(List.of("hash-a", "hash-ab"))).containsExactly("hash-ab");
  }

  @Test
  void recordsAnErasureOnce() {
    UUID erasure = UUID.randomUUID();

    Commit first = catalog.recordErasure("clicks", erasure, 5, "p");

    assertThat(first.kind()).isEqualTo(CommitKind.ERASURE);
    assertThat(first.rows()).isEqualTo(5);
    assertThat(catalog.recordErasure("clicks", erasure, 7, "p")).isEqualTo(first);
    assertThat(catalog.latestSequence("clicks")).isEqualTo(1);
  }

  @Test
  void aFailedCommitChangesNothingAndAnAppliedOneWhoseOutcomeWasLostIsThere() {
    catalog.failNextCommit(new IllegalStateException("refused"));
    assertThatThrownBy(() -> catalog.commit(append("a", Optional.of("key-1"))))
        .hasMessage("refused");
    assertThat(catalog.latestSequence("clicks")).isZero();
    assertThat(catalog.referencesObject("a")).isFalse();

    catalog.failNextCommitAfterApplying(new CommitStateUnknownException("cut", null));
    assertThatThrownBy(() -> catalog.commit(append("a", Optional.of("key-1"))))
        .isInstanceOf(CommitStateUnknownException.class);
    assertThat(catalog.latestSequence("clicks")).isEqualTo(1);
    assertThat(catalog.commitByIdempotencyKey("clicks", "key-1")).isPresent();
    assertThat(catalog.referencesObject("a")).isTrue();
  }

  private static PendingAppend append(String objectKey, Optional<String> idempotencyKey) {
    return new PendingAppend("clicks", 1, List.of(file(objectKey)), idempotencyKey, "hash", "p");
  }

  private static NewDataFile file(String objectKey) {
    return new NewDataFile(objectKey, 1, 10, "hash-" + objectKey, "k", "k", START, START);
  }

  private DataFile onlyFile(Commit commit) {
    return catalog.dataFiles("clicks", commit.sequence()).stream()
        .filter(file -> file.addedSequence() == commit.sequence())
        .findFirst()
        .orElseThrow();
  }
}
