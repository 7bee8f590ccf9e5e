package dev.featurestore.core.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.online.IndexRows.Row;
import dev.featurestore.core.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LatestValueIndexTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final long NOW_MICROS = NOW.getEpochSecond() * 1_000_000L;
  private static final long HOUR = 3_600_000_000L;

  private final BufferAllocator allocator = new RootAllocator();
  private final MutableClock clock = new MutableClock(NOW);
  private final OnlineMemoryBudget budget = new OnlineMemoryBudget(1L << 30);
  private final List<LatestValueIndex> indexes = new ArrayList<>();

  @AfterEach
  void closeEverything() {
    indexes.forEach(LatestValueIndex::close);
    assertThat(budget.usedBytes()).isZero();
    allocator.close();
  }

  private static FeatureGroup clicksGroup(Duration ttl) {
    return new FeatureGroup(
        "user_activity",
        new Entity("user_id", KeyType.INT64, ""),
        List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
        ttl,
        true,
        "",
        1);
  }

  private LatestValueIndex index(FeatureGroup group) {
    LatestValueIndex index = LatestValueIndex.create(group, budget, allocator, clock);
    indexes.add(index);
    return index;
  }

  private void apply(LatestValueIndex index, Row... rows) {
    try (VectorSchemaRoot batch = IndexRows.batch(index.group(), List.of(rows), allocator)) {
      index.apply(batch);
    }
  }

  /** The status and value of feature 0 for an INT64 key. */
  private static String lookup(LatestValueIndex index, long key) {
    try (LatestValueIndex.View view = index.view()) {
      int slot = view.slotOf(key);
      RecordingValueWriter out = new RecordingValueWriter();
      view.writeValue(slot, 0, out);
      return view.status(slot, 0) + " " + out.values.get(0);
    }
  }

  @Test
  void keepsTheRowWithTheGreatestEventTime() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    apply(
        index,
        new Row(1L, NOW_MICROS - 2 * HOUR, 1, 0, 5L),
        new Row(1L, NOW_MICROS - HOUR, 1, 1, 7L));
    apply(index, new Row(1L, NOW_MICROS - 3 * HOUR, 2, 0, 9L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 7");
  }

  @Test
  void laterCommitWinsAmongEqualEventTimesAndThenTheLaterRow() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    long time = NOW_MICROS - HOUR;
    apply(
        index,
        new Row(1L, time, 3, 0, 30L),
        new Row(2L, time, 3, 0, 1L),
        new Row(2L, time, 3, 1, 2L));
    apply(index, new Row(1L, time, 2, 5, 20L), new Row(2L, time, 3, 0, 99L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 30");
    assertThat(lookup(index, 2)).isEqualTo("PRESENT 2");
  }

  @Test
  void applyingCommitsInAnyOrderGivesTheSameWinner() {
    LatestValueIndex inOrder = index(clicksGroup(Duration.ZERO));
    LatestValueIndex reversed = index(clicksGroup(Duration.ZERO));
    Row first = new Row(1L, NOW_MICROS - HOUR, 1, 0, 1L);
    Row correction = new Row(1L, NOW_MICROS - HOUR, 2, 0, 2L);
    apply(inOrder, first);
    apply(inOrder, correction);
    apply(reversed, correction);
    apply(reversed, first);

    assertThat(lookup(inOrder, 1)).isEqualTo("PRESENT 2");
    assertThat(lookup(reversed, 1)).isEqualTo("PRESENT 2");
  }

  @Test
  void ttlWindowIncludesItsStartAndExcludesOlderRows() {
    LatestValueIndex index = index(clicksGroup(Duration.ofHours(1)));
    apply(
        index,
        new Row(1L, NOW_MICROS - HOUR, 1, 0, 1L),
        new Row(2L, NOW_MICROS - HOUR - 1, 1, 1, 2L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 1");
    assertThat(lookup(index, 2)).isEqualTo("OUTSIDE_TTL null");
    clock.advance(Duration.ofNanos(1_000));
    assertThat(lookup(index, 1)).isEqualTo("OUTSIDE_TTL null");
  }

  @Test
  void rowPastTheMaximumAgeIsNotFoundBeforeRetentionRemovedIt() {
    LatestValueIndex index =
        index(clicksGroup(Duration.ZERO).withMaxAge(MaxAge.parse("maxAge", "PT1H")));
    apply(
        index,
        new Row(1L, NOW_MICROS - HOUR, 1, 0, 1L),
        new Row(2L, NOW_MICROS - HOUR - 1, 1, 1, 2L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 1");
    assertThat(lookup(index, 2)).isEqualTo("NOT_FOUND null");
    clock.advance(Duration.ofNanos(1_000));
    assertThat(lookup(index, 1)).isEqualTo("NOT_FOUND null");
  }

  @Test
  void nullValueIsAWinnerUnlikeAMissingKey() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    apply(
        index,
        new Row(1L, NOW_MICROS - 2 * HOUR, 1, 0, 5L),
        new Row(1L, NOW_MICROS - HOUR, 1, 1, (Object) null));

    assertThat(lookup(index, 1)).isEqualTo("NULL_VALUE null");
    assertThat(lookup(index, 2)).isEqualTo("NOT_FOUND null");
  }

  @Test
  void rowFromTheFutureIsNoCandidateUntilItsTimeComes() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    apply(
        index,
        new Row(1L, NOW_MICROS - HOUR, 1, 0, 1L),
        new Row(1L, NOW_MICROS + 60_000_000L, 1, 1, 2L),
        new Row(2L, NOW_MICROS + 120_000_000L, 1, 2, 3L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 1");
    assertThat(lookup(index, 2)).isEqualTo("NOT_FOUND null");
    assertThat(index.stats().pendingFutureRows()).isEqualTo(2);
    long withWaitingRows = budget.usedBytes();

    clock.advance(Duration.ofMinutes(1));
    assertThat(lookup(index, 1)).isEqualTo("PRESENT 2");
    assertThat(lookup(index, 2)).isEqualTo("NOT_FOUND null");

    clock.advance(Duration.ofMinutes(1));
    assertThat(lookup(index, 2)).isEqualTo("PRESENT 3");
    assertThat(index.stats().pendingFutureRows()).isZero();
    // The waiting rows' Arrow buffers were counted in the budget until they were applied.
    assertThat(budget.usedBytes()).isLessThan(withWaitingRows);
  }

  @Test
  void storesEveryFeatureTypeWithStringKeys() {
    FeatureGroup group =
        new FeatureGroup(
            "profile",
            new Entity("user_name", KeyType.STRING, ""),
            List.of(
                FeatureDefinition.scalar("active", FeatureType.BOOL),
                FeatureDefinition.scalar("age", FeatureType.INT32),
                FeatureDefinition.scalar("visits", FeatureType.INT64),
                FeatureDefinition.scalar("score", FeatureType.FLOAT32),
                FeatureDefinition.scalar("balance", FeatureType.FLOAT64),
                FeatureDefinition.scalar("country", FeatureType.STRING),
                FeatureDefinition.scalar("avatar", FeatureType.BYTES),
                FeatureDefinition.scalar("signed_up", FeatureType.TIMESTAMP),
                FeatureDefinition.vector("embedding", 3)),
            Duration.ZERO,
            true,
            "",
            1);
    LatestValueIndex index = index(group);
    long time = NOW_MICROS - HOUR;
    apply(
        index,
        new Row(
            "ada",
            time,
            1,
            0,
            true,
            36,
            12L,
            1.5f,
            2.25,
            "Åland",
            new byte[] {1, 2},
            NOW_MICROS,
            new float[] {1, 2, 3}),
        new Row("bob", time, 1, 1, false, null, null, null, null, "Chile", null, null, null));
    apply(index, new Row("bob", time, 2, 0, false, 40, null, null, null, "Peru", null, null, null));

    try (LatestValueIndex.View view = index.view()) {
      RecordingValueWriter ada = new RecordingValueWriter();
      RecordingValueWriter bob = new RecordingValueWriter();
      for (int feature = 0; feature < 9; feature++) {
        view.writeValue(view.slotOf("ada"), feature, ada);
        view.writeValue(view.slotOf("bob"), feature, bob);
      }
      assertThat(ada.values)
          .containsExactly(true, 36L, 12L, 1.5f, 2.25, "Åland", "[1, 2]", NOW, "[1.0, 2.0, 3.0]");
      assertThat(bob.values)
          .containsExactly(false, 40L, null, null, null, "Peru", null, null, null);
      assertThat(view.slotOf("carol")).isEqualTo(-1);
      assertThat(view.eventTimeMicros(view.slotOf("ada"))).isEqualTo(time);

      // A batch of keys (one absent) gives what the keys give one by one, for every type.
      int[] slots = {view.slotOf("bob"), -1, view.slotOf("ada"), view.slotOf("bob")};
      for (int feature = 0; feature < 9; feature++) {
        RecordingValueWriter batch = new RecordingValueWriter();
        RecordingValueWriter single = new RecordingValueWriter();
        OnlineStatus[] statuses = new OnlineStatus[slots.length];
        view.writeValues(slots, feature, batch, statuses);
        List<OnlineStatus> singleStatuses = new ArrayList<>();
        for (int slot : slots) {
          singleStatuses.add(view.writeValue(slot, feature, single));
        }
        assertThat(batch.values).isEqualTo(single.values);
        assertThat(statuses).containsExactlyElementsOf(singleStatuses);
        assertThat(statuses[1]).isEqualTo(OnlineStatus.NOT_FOUND);
      }
    }
    assertThat(index.stats().garbageBytes()).isEqualTo("Chile".length());
  }

  /**
   * Values replaced round after round would pile up in the arena; once they outweigh the live ones
   * the live ones move to fresh chunks. Keys written once keep their values through every move; a
   * reader meanwhile always finds each key's value of some round, never bytes of another value.
   */
  @Test
  void freesReplacedStringsAndBytesWhileReadersRead() throws Exception {
    FeatureGroup group =
        new FeatureGroup(
            "user_notes",
            new Entity("user_id", KeyType.INT64, ""),
            List.of(
                FeatureDefinition.scalar("note", FeatureType.STRING),
                FeatureDefinition.scalar("blob", FeatureType.BYTES)),
            Duration.ZERO,
            true,
            "",
            1);
    LatestValueIndex index = index(group);
    int replacedKeys = 100;
    int keys = 2 * replacedKeys; // keys from 100 on are written in round 0 only
    int rounds = 60;
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicReference<String> readerSaw = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                while (writing.get() && readerSaw.get() == null) {
                  try (LatestValueIndex.View view = index.view()) {
                    for (long key = 0; key < keys; key++) {
                      RecordingValueWriter out = new RecordingValueWriter();
                      view.writeValue(view.slotOf(key), 0, out);
                      String note = (String) out.values.get(0);
                      if (note != null && !note.matches("round \\d+ of key " + key + " x+")) {
                        readerSaw.set(note);
                      }
                    }
                  }
                }
              } catch (RuntimeException e) {
                readerSaw.set(e.toString());
              }
            });
    reader.start();
    long appended = 0;
    for (int round = 0; round < rounds; round++) {
      List<Row> rows = new ArrayList<>();
      for (long key = 0; key < (round == 0 ? keys : replacedKeys); key++) {
        // Every tenth key's values are null in a round, and present again in the next.
        boolean isNull = key < replacedKeys && key % 10 == round % 10;
        String note = isNull ? null : note(round, key);
        byte[] blob = isNull ? null : new byte[] {(byte) round, (byte) key};
        rows.add(new Row(key, NOW_MICROS - HOUR + round, round + 1, key, note, blob));
        appended += isNull ? 0 : note.length() + 2;
      }
      apply(index, rows.toArray(Row[]::new));
    }
    writing.set(false);
    reader.join();

    assertThat(readerSaw.get()).isNull();
    OnlineIndexStats stats = index.stats();
    assertThat(appended).isGreaterThan(10L << 20);
    // Live values are 0.4 MB; garbage is kept below the live values or one 1 MiB chunk.
    assertThat(stats.garbageBytes()).isLessThan(2L * ByteArena.CHUNK_SIZE);
    assertThat(stats.reservedBytes()).isLessThan(6L << 20);
    try (LatestValueIndex.View view = index.view()) {
      int last = rounds - 1;
      for (long key = 0; key < keys; key++) {
        RecordingValueWriter out = new RecordingValueWriter();
        int slot = view.slotOf(key);
        view.writeValue(slot, 0, out);
        view.writeValue(slot, 1, out);
        int round = key < replacedKeys ? last : 0;
        if (key < replacedKeys && key % 10 == last % 10) {
          assertThat(out.values).containsExactly(null, null);
        } else {
          assertThat(out.values)
              .containsExactly(
                  note(round, key), Arrays.toString(new byte[] {(byte) round, (byte) key}));
        }
      }
    }
  }

  private static String note(int round, long key) {
    return "round " + round + " of key " + key + " " + "x".repeat(2000);
  }

  private void reload(LatestValueIndex index, List<Row> rows) {
    LatestValueIndex.Reload reload = index.reload();
    try (VectorSchemaRoot batch = IndexRows.batch(index.group(), rows, allocator)) {
      reload.apply(batch);
    }
    reload.finish();
  }

  @Test
  void reloadRemovesKeysNoLongerInTheRowsAndKeepsTheOthers() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    List<Row> all = new ArrayList<>();
    List<Row> kept = new ArrayList<>();
    for (long key = 0; key < 20_000; key++) {
      Row row = new Row(key * 7919, NOW_MICROS - HOUR, 1, key, key);
      all.add(row);
      // Every third key goes: removals meet probe runs of every length, wrapping ones too.
      if (key % 3 != 0) {
        kept.add(row);
      }
    }
    apply(index, all.toArray(Row[]::new));
    long used = budget.usedBytes();

    reload(index, kept);

    for (long key = 0; key < 20_000; key++) {
      assertThat(lookup(index, key * 7919))
          .isEqualTo(key % 3 == 0 ? "NOT_FOUND null" : "PRESENT " + key);
    }
    assertThat(index.stats().keys()).isEqualTo(kept.size());
    assertThat(budget.usedBytes()).isEqualTo(used);
  }

  @Test
  void keyRemovedByAReloadComesBackWithANewRow() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    apply(
        index, new Row(1L, NOW_MICROS - HOUR, 1, 0, 1L), new Row(2L, NOW_MICROS - HOUR, 1, 1, 2L));
    reload(index, List.of(new Row(2L, NOW_MICROS - HOUR, 1, 1, 2L)));

    apply(index, new Row(1L, NOW_MICROS - 2 * HOUR, 3, 0, 7L));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 7");
    assertThat(index.stats().keys()).isEqualTo(2);
  }

  @Test
  void reloadDropsRowsWaitingForTheirTimeThatAreNoLongerInTheRows() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    Row kept = new Row(1L, NOW_MICROS + 60_000_000L, 1, 0, 1L);
    apply(index, kept, new Row(2L, NOW_MICROS + 60_000_000L, 1, 1, 2L));

    reload(index, List.of(kept));
    clock.advance(Duration.ofMinutes(1));

    assertThat(lookup(index, 1)).isEqualTo("PRESENT 1");
    assertThat(lookup(index, 2)).isEqualTo("NOT_FOUND null");
    assertThat(index.stats().pendingFutureRows()).isZero();
  }

  @Test
  void reloadRemovesStringKeysAndTheirValues() {
    FeatureGroup group =
        new FeatureGroup(
            "profiles",
            new Entity("user_name", KeyType.STRING, ""),
            List.of(FeatureDefinition.scalar("city", FeatureType.STRING)),
            Duration.ZERO,
            true,
            "",
            1);
    LatestValueIndex index = index(group);
    Row kept = new Row("ann", NOW_MICROS - HOUR, 1, 0, "Oslo");
    apply(index, kept, new Row("bob", NOW_MICROS - HOUR, 1, 1, "Lima"));

    reload(index, List.of(kept));

    try (LatestValueIndex.View view = index.view()) {
      assertThat(view.slotOf("bob")).isEqualTo(-1);
      assertThat(view.status(view.slotOf("ann"), 0)).isEqualTo(OnlineStatus.PRESENT);
    }
  }

  @Test
  void findsEveryKeyAcrossPagesAndTableGrowth() {
    LatestValueIndex index = index(clicksGroup(Duration.ZERO));
    List<Row> rows = new ArrayList<>();
    for (long key = 0; key < 20_000; key++) {
      rows.add(new Row(key * 7919, NOW_MICROS - HOUR, 1, key, key));
    }
    apply(index, rows.toArray(Row[]::new));

    for (long key = 0; key < 20_000; key += 997) {
      assertThat(lookup(index, key * 7919)).isEqualTo("PRESENT " + key);
    }
    assertThat(lookup(index, 1)).isEqualTo("NOT_FOUND null");
    assertThat(index.stats().keys()).isEqualTo(20_000);
    // One feature: the key, its winner's version and its row's presence word dominate.
    assertThat(index.stats().bytesPerKeyPerFeature()).isBetween(8.0, 70.0);
  }

  @Test
  void featureAddedBySchemaEvolutionStartsNull() {
    FeatureGroup first = clicksGroup(Duration.ZERO);
    LatestValueIndex index = index(first);
    apply(index, new Row(1L, NOW_MICROS - HOUR, 1, 0, 5L));
    FeatureGroup second =
        new FeatureGroup(
            first.name(),
            first.entity(),
            List.of(
                first.features().get(0), FeatureDefinition.scalar("country", FeatureType.STRING)),
            first.ttl(),
            true,
            "",
            2);
    index.evolve(second);

    try (LatestValueIndex.View view = index.view()) {
      int country = view.featureIndex("country");
      assertThat(view.status(view.slotOf(1L), country)).isEqualTo(OnlineStatus.NULL_VALUE);
    }
    apply(index, new Row(1L, NOW_MICROS - 1, 2, 0, 6L, "FR"));
    try (LatestValueIndex.View view = index.view()) {
      RecordingValueWriter out = new RecordingValueWriter();
      view.writeValue(view.slotOf(1L), view.featureIndex("country"), out);
      assertThat(out.values).containsExactly("FR");
    }
  }

  private static long changes(LatestValueIndex index) {
    try (LatestValueIndex.View view = index.view()) {
      return view.changes();
    }
  }

  /** What a cache of formatted answers relies on: every change a read could see moves it. */
  @Test
  void changesMoveWithEveryVisibleChangeAndOnlyThen() {
    FeatureGroup first = clicksGroup(Duration.ZERO);
    LatestValueIndex index = index(first);
    apply(
        index, new Row(1L, NOW_MICROS - HOUR, 1, 0, 5L), new Row(2L, NOW_MICROS - HOUR, 1, 1, 6L));
    long afterFirstCommit = changes(index);

    apply(index, new Row(1L, NOW_MICROS - 2 * HOUR, 2, 0, 9L));
    assertThat(changes(index)).as("a row that wins nothing").isEqualTo(afterFirstCommit);

    apply(index, new Row(1L, NOW_MICROS - 1, 3, 0, 7L));
    long afterWinner = changes(index);
    assertThat(afterWinner).as("a new winner").isNotEqualTo(afterFirstCommit);

    apply(index, new Row(3L, NOW_MICROS + 60_000_000L, 4, 0, 8L));
    assertThat(changes(index)).as("a row waiting for its time").isEqualTo(afterWinner);
    clock.advance(Duration.ofMinutes(1));
    long afterDueRow = changes(index);
    assertThat(afterDueRow).as("a row whose time came").isNotEqualTo(afterWinner);

    index.evolve(
        new FeatureGroup(
            first.name(),
            first.entity(),
            List.of(
                first.features().get(0), FeatureDefinition.scalar("country", FeatureType.STRING)),
            first.ttl(),
            true,
            "",
            2));
    long afterEvolution = changes(index);
    assertThat(afterEvolution).as("a feature added").isNotEqualTo(afterDueRow);

    reload(
        index, List.of(new Row(1L, NOW_MICROS - 1, 3, 0, 7L), new Row(3L, NOW_MICROS, 4, 0, 8L)));
    assertThat(changes(index)).as("a key removed by a reload").isNotEqualTo(afterEvolution);
  }

  /** Wider than a 64-bit word of flags, and widened again by schema evolution. */
  @Test
  void keepsEachFeatureOfAWideGroupApart() {
    FeatureGroup narrow = widerGroup(clicksGroup(Duration.ZERO), 70, 2);
    LatestValueIndex index = index(narrow);
    List<Row> rows = new ArrayList<>();
    for (long key = 0; key < 5_000; key++) {
      rows.add(new Row(key, NOW_MICROS - HOUR, 1, key, wideValues(key, 70)));
    }
    apply(index, rows.toArray(Row[]::new));
    assertWideValues(index, 70, 70);

    index.evolve(widerGroup(narrow, 130, 3));
    assertWideValues(index, 70, 130);
    apply(index, new Row(4_999L, NOW_MICROS - 1, 2, 0, wideValues(4_999L, 130)));
    try (LatestValueIndex.View view = index.view()) {
      RecordingValueWriter out = new RecordingValueWriter();
      for (int feature = 0; feature < 130; feature++) {
        view.writeValue(view.slotOf(4_999L), feature, out);
      }
      assertThat(out.values).containsExactly(wideValues(4_999L, 130));
    }
  }

  /** The group's features f0 ... f{count - 1}, all INT64, keeping the ones it has. */
  private static FeatureGroup widerGroup(FeatureGroup group, int count, int version) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (int feature = 0; feature < count; feature++) {
      features.add(FeatureDefinition.scalar("f" + feature, FeatureType.INT64));
    }
    return new FeatureGroup(group.name(), group.entity(), features, group.ttl(), true, "", version);
  }

  /** A third of the values null, in a pattern that differs from key to key. */
  private static Object[] wideValues(long key, int count) {
    Object[] values = new Object[count];
    for (int feature = 0; feature < count; feature++) {
      values[feature] = (key + feature) % 3 == 0 ? null : key * 1_000 + feature;
    }
    return values;
  }

  /** Keys 0 to 4,999 hold {@link #wideValues} for the first features, null in the others. */
  private static void assertWideValues(LatestValueIndex index, int withValues, int features) {
    try (LatestValueIndex.View view = index.view()) {
      for (long key = 0; key < 5_000; key += 127) {
        int slot = view.slotOf(key);
        Object[] expected = wideValues(key, withValues);
        for (int feature = 0; feature < features; feature++) {
          RecordingValueWriter out = new RecordingValueWriter();
          OnlineStatus status = view.writeValue(slot, feature, out);
          Object value = feature < withValues ? expected[feature] : null;
          assertThat(out.values).as("key %d, feature %d", key, feature).containsExactly(value);
          assertThat(status)
              .isEqualTo(value == null ? OnlineStatus.NULL_VALUE : OnlineStatus.PRESENT);
        }
      }
    }
  }

  @Test
  void refusesToGrowBeyondTheMemoryBudget() {
    OnlineMemoryBudget small = new OnlineMemoryBudget(200_000);
    LatestValueIndex index =
        LatestValueIndex.create(clicksGroup(Duration.ZERO), small, allocator, clock);
    List<Row> rows = new ArrayList<>();
    for (long key = 0; key < 100_000; key++) {
      rows.add(new Row(key, NOW_MICROS - HOUR, 1, key, key));
    }
    try (VectorSchemaRoot batch = IndexRows.batch(index.group(), rows, allocator)) {
      assertThatThrownBy(() -> index.apply(batch))
          .isInstanceOf(OnlineMemoryBudgetExceededException.class)
          .hasMessageContaining("'user_activity' does not fit in the online memory budget");
    }
    index.close();
    assertThat(small.usedBytes()).isZero();
  }
}
