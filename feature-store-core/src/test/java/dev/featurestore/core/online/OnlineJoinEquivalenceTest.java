package dev.featurestore.core.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.online.IndexRows.Row;
import dev.featurestore.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The online answer for key K equals the training-set join for the spine row (K, now) as of the
 * latest commit, computed here by a plain scan of every stored row with the rules of semantics.md:
 * candidates have {@code now - ttl <= event_time <= now}, the winner has the greatest (event time,
 * commit sequence, row ordinal), no candidate gives null.
 */
class OnlineJoinEquivalenceTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000L;
  private static final long MINUTE = 60_000_000L;
  private static final int KEYS = 40;

  @Property(tries = 60)
  void onlineAnswerEqualsJoinAtNow(
      @ForAll("ttls") Duration ttl,
      @ForAll("commits") AppliedCommits commits,
      @ForAll @Size(2) List<@IntRange(max = 239) Integer> clockAdvancesSeconds) {
    FeatureGroup group =
        new FeatureGroup(
            "clicks",
            new Entity("user_id", KeyType.INT64, ""),
            List.of(
                FeatureDefinition.scalar("count", FeatureType.INT64),
                FeatureDefinition.scalar("rate", FeatureType.FLOAT64)),
            ttl,
            true,
            "",
            1);
    MutableClock clock = new MutableClock(NOW);
    OnlineMemoryBudget budget = new OnlineMemoryBudget(1L << 30);
    try (BufferAllocator allocator = new RootAllocator();
        LatestValueIndex index = LatestValueIndex.create(group, budget, allocator, clock)) {
      for (List<Row> commit : commits.applyOrder()) {
        try (VectorSchemaRoot batch = IndexRows.batch(group, commit, allocator)) {
          index.apply(batch);
        }
      }
      List<Row> stored = commits.inSequence().stream().flatMap(List::stream).toList();
      assertEquivalent(index, stored, ttl, clock);
      for (int advance : clockAdvancesSeconds) {
        clock.advance(Duration.ofSeconds(advance));
        assertEquivalent(index, stored, ttl, clock);
      }
    }
  }

  @Provide
  Arbitrary<Duration> ttls() {
    return Arbitraries.of(Duration.ZERO, Duration.ofHours(1), Duration.ofMinutes(90));
  }

  /**
   * One to five commits of 1 to 60 rows, applied in any order. Coarse times collide often, so the
   * tie-breaks are exercised; some are up to 5 minutes in the future, which ingest allows.
   */
  @Provide
  Arbitrary<AppliedCommits> commits() {
    Arbitrary<Long> eventTimes =
        Combinators.combine(
                Arbitraries.integers().between(0, 35), Arbitraries.integers().between(0, 1))
            .as((stepsBack, stepsAhead) -> NOW_MICROS - (stepsBack - stepsAhead) * 5 * MINUTE);
    Arbitrary<RowDraft> rows =
        Combinators.combine(
                Arbitraries.longs().between(0, KEYS - 1),
                eventTimes,
                Arbitraries.longs().between(0, 999).injectNull(1.0 / 8),
                Arbitraries.doubles().between(0, 1).ofScale(6).injectNull(1.0 / 8))
            .as(RowDraft::new);
    return rows.list()
        .ofMinSize(1)
        .ofMaxSize(60)
        .list()
        .ofMinSize(1)
        .ofMaxSize(5)
        .map(OnlineJoinEquivalenceTest::numbered)
        .flatMap(
            inSequence ->
                Arbitraries.shuffle(inSequence)
                    .map(applyOrder -> new AppliedCommits(inSequence, applyOrder)));
  }

  private static List<List<Row>> numbered(List<List<RowDraft>> drafts) {
    List<List<Row>> commits = new ArrayList<>();
    for (int commit = 0; commit < drafts.size(); commit++) {
      List<Row> rows = new ArrayList<>();
      for (int ordinal = 0; ordinal < drafts.get(commit).size(); ordinal++) {
        RowDraft draft = drafts.get(commit).get(ordinal);
        rows.add(
            new Row(
                draft.key(), draft.eventTime(), commit + 1, ordinal, draft.count(), draft.rate()));
      }
      commits.add(rows);
    }
    return commits;
  }

  private record RowDraft(long key, long eventTime, Long count, Double rate) {}

  /** Commits by sequence (1, 2, ...) and the order the index receives them in. */
  private record AppliedCommits(List<List<Row>> inSequence, List<List<Row>> applyOrder) {}

  private static void assertEquivalent(
      LatestValueIndex index, List<Row> stored, Duration ttl, MutableClock clock) {
    try (LatestValueIndex.View view = index.view()) {
      long now = view.nowMicros();
      long ttlStart = ttl.isZero() ? Long.MIN_VALUE : now - ttl.toNanos() / 1_000;
      for (long key = 0; key < KEYS + 2; key++) {
        Row winner = referenceJoin(stored, key, now, ttlStart);
        int slot = view.slotOf(key);
        RecordingValueWriter online = new RecordingValueWriter();
        view.writeValue(slot, 0, online);
        view.writeValue(slot, 1, online);
        List<Object> expected = new ArrayList<>();
        expected.add(winner == null ? null : winner.features()[0]);
        expected.add(winner == null ? null : winner.features()[1]);
        assertThat(online.values).as("key %d at %s", key, clock.instant()).isEqualTo(expected);
        if (winner != null) {
          assertThat(view.eventTimeMicros(slot)).isEqualTo(winner.eventTime());
          assertThat(view.status(slot, 0))
              .isEqualTo(
                  winner.features()[0] == null ? OnlineStatus.NULL_VALUE : OnlineStatus.PRESENT);
        } else {
          assertThat(view.rowStatus(slot)).isIn(OnlineStatus.NOT_FOUND, OnlineStatus.OUTSIDE_TTL);
        }
      }
    }
  }

  private static Row referenceJoin(List<Row> stored, long key, long spineTime, long ttlStart) {
    Row winner = null;
    for (Row row : stored) {
      boolean candidate =
          (Long) row.key() == key && row.eventTime() <= spineTime && row.eventTime() >= ttlStart;
      if (candidate && (winner == null || later(row, winner))) {
        winner = row;
      }
    }
    return winner;
  }

  private static boolean later(Row row, Row than) {
    if (row.eventTime() != than.eventTime()) {
      return row.eventTime() > than.eventTime();
    }
    if (row.commitSequence() != than.commitSequence()) {
      return row.commitSequence() > than.commitSequence();
    }
    return row.rowOrdinal() > than.rowOrdinal();
  }
}
