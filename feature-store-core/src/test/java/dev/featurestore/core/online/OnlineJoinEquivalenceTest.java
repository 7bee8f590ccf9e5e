package dev.featurestore.core.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.online.IndexRows.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
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
  void onlineAnswerEqualsJoinAtNow(@ForAll long seed) {
    Random random = new Random(seed);
    Duration ttl =
        List.of(Duration.ZERO, Duration.ofHours(1), Duration.ofMinutes(90)).get(random.nextInt(3));
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
    List<List<Row>> commits = randomCommits(random);
    MutableClock clock = new MutableClock(NOW);
    OnlineMemoryBudget budget = new OnlineMemoryBudget(1L << 30);
    try (BufferAllocator allocator = new RootAllocator();
        LatestValueIndex index = LatestValueIndex.create(group, budget, allocator, clock)) {
      List<List<Row>> applyOrder = new ArrayList<>(commits);
      Collections.shuffle(applyOrder, random);
      for (List<Row> commit : applyOrder) {
        try (VectorSchemaRoot batch = IndexRows.batch(group, commit, allocator)) {
          index.apply(batch);
        }
      }
      List<Row> stored = commits.stream().flatMap(List::stream).toList();
      for (int step = 0; step < 3; step++) {
        assertEquivalent(index, stored, ttl, clock);
        clock.advance(Duration.ofSeconds(random.nextInt(240)));
      }
    }
  }

  private static List<List<Row>> randomCommits(Random random) {
    List<List<Row>> commits = new ArrayList<>();
    int commitCount = 1 + random.nextInt(5);
    for (int sequence = 1; sequence <= commitCount; sequence++) {
      List<Row> rows = new ArrayList<>();
      int rowCount = 1 + random.nextInt(60);
      for (int ordinal = 0; ordinal < rowCount; ordinal++) {
        // Coarse times collide often, so the tie-breaks are exercised; some are up to 5 minutes
        // in the future, which ingest allows.
        long eventTime =
            NOW_MICROS - random.nextInt(36) * 5 * MINUTE + random.nextInt(2) * 5 * MINUTE;
        rows.add(
            new Row(
                (long) random.nextInt(KEYS),
                eventTime,
                sequence,
                ordinal,
                random.nextInt(8) == 0 ? null : (long) random.nextInt(1000),
                random.nextInt(8) == 0 ? null : random.nextDouble()));
      }
      commits.add(rows);
    }
    return commits;
  }

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
