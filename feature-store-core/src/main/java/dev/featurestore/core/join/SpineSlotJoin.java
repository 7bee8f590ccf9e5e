package dev.featurestore.core.join;

import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One group's side of a join (of the whole spine, or of one partition of it), in a single pass over
 * the group's stored rows that keeps none of them: only, per spine slot, the best candidate seen so
 * far.
 *
 * <p>A key's spine times, sorted, cut its event-time axis into slots: slot {@code i} holds the
 * times in (the key's previous spine time, its {@code i}-th spine time]. Of the visible rows in one
 * slot only the last (by event time, then commit, then row ordinal) can win anything, since every
 * spine time that sees one of them sees them all. So each stored row finds its key's id (see {@link
 * KeyDictionary#lookup}) and its slot by a binary search, and when it beats the slot's candidate
 * its feature values are copied over the candidate's. A spine row's winner is then its own slot's
 * candidate or, when that slot has none, the winner of the key's previous slot; either only if
 * within the TTL of the spine time. Rows after a key's last spine time, of keys not in the spine,
 * or older than their slot's TTL window are dropped as they are read.
 *
 * <p>Memory grows with the spine, not with the group: each stored batch is released as soon as it
 * has been read.
 */
final class SpineSlotJoin implements WinningRows, AutoCloseable {
  static final int NO_SLOT = -1;
  private static final long NO_CANDIDATE = -1;

  private final FeatureGroupRequest request;

  /** The requested features' stored columns. */
  private final List<Field> featureFields;

  private final long ttlMicros;
  private final KeyDictionary dictionary;

  /** Key id {@code k}'s slots are {@code keyStarts[k]..keyStarts[k+1]}. */
  private final int[] keyStarts;

  /** Each slot's spine time, ascending within a key; equal spine times get one slot each. */
  private final long[] slotTimes;

  /**
   * The slot of each of this join's rows (the first of its key's slots with its time), or NO_SLOT.
   */
  private final int[] slotOfRow;

  private final long[] candidateEventTimes;
  private final long[] candidateCommits;
  private final long[] candidateOrdinals;

  /** The candidates' values, one column per requested feature, indexed by slot. */
  private final SlotValues[] values;

  /** Per slot, the slot whose candidate wins it, or NO_SLOT; filled by {@link #resolveWinners}. */
  private int[] winnerSlots;

  private SpineSlotJoin(
      FeatureGroupRequest request,
      List<Field> featureFields,
      KeyDictionary dictionary,
      int[] keyStarts,
      long[] slotTimes,
      int[] slotOfRow,
      SlotValues[] values) {
    this.request = request;
    this.featureFields = featureFields;
    this.ttlMicros = EpochMicros.of(request.group().ttl());
    this.dictionary = dictionary;
    this.keyStarts = keyStarts;
    this.slotTimes = slotTimes;
    this.slotOfRow = slotOfRow;
    int slotCount = slotTimes.length;
    this.candidateEventTimes = new long[slotCount];
    this.candidateCommits = new long[slotCount];
    this.candidateOrdinals = new long[slotCount];
    // An empty slot loses to any row on the first comparison, of event times, but for a row at the
    // least time, which then wins by its commit (every commit is after NO_CANDIDATE).
    Arrays.fill(candidateEventTimes, Long.MIN_VALUE);
    Arrays.fill(candidateCommits, NO_CANDIDATE);
    this.values = values;
  }

  /**
   * Reads the group's stored rows once and decides the winner of each of the spine rows {@code
   * spineRows}, but for those {@code featureless}; the join's row {@code i}, in {@link #fill} and
   * as {@link WinningRows}, is spine row {@code spineRows[i]}.
   */
  static SpineSlotJoin join(
      FeatureGroupRequest request,
      FieldVector spineKeys,
      TimeStampVector spineTimes,
      int[] spineRows,
      BitSet featureless,
      BufferAllocator allocator)
      throws IOException {
    SpineSlotJoin join = slotsOf(request, spineKeys, spineTimes, spineRows, featureless, allocator);
    try {
      request.storedRows().forEachPreparedBatch(join::slotsOfStoredRows, join::offer);
      join.resolveWinners();
      return join;
    } catch (RuntimeException | IOException | Error e) {
      join.close();
      throw e;
    }
  }

  /**
   * Buckets the spine rows by key (a counting sort) and sorts each key's times. Rows without a key,
   * and the spine rows {@code featureless}, get no slot and so no winner.
   */
  private static SpineSlotJoin slotsOf(
      FeatureGroupRequest request,
      FieldVector spineKeys,
      TimeStampVector spineTimes,
      int[] spineRows,
      BitSet featureless,
      BufferAllocator allocator) {
    KeyDictionary dictionary = KeyDictionary.forKeyType(request.group().entity().keyType());
    // The rows with a key: their spine rows, and their places among this join's rows.
    int[] keyedRows = new int[spineRows.length];
    int[] keyedPlaces = new int[spineRows.length];
    int slotCount = 0;
    for (int place = 0; place < spineRows.length; place++) {
      if (!spineKeys.isNull(spineRows[place]) && !featureless.get(spineRows[place])) {
        keyedRows[slotCount] = spineRows[place];
        keyedPlaces[slotCount++] = place;
      }
    }
    int[] keyIds = new int[slotCount];
    dictionary.idsOrAdd(spineKeys, keyedRows, slotCount, keyIds, 0);
    int[] newIds = dictionary.renumberInKeyOrder();
    for (int i = 0; i < slotCount; i++) {
      keyIds[i] = newIds[keyIds[i]];
    }
    int keyCount = dictionary.size();
    int[] keyStarts = new int[keyCount + 1];
    for (int i = 0; i < slotCount; i++) {
      keyStarts[keyIds[i] + 1]++;
    }
    for (int key = 0; key < keyCount; key++) {
      keyStarts[key + 1] += keyStarts[key];
    }
    long timeAddress = spineTimes.getDataBufferAddress();
    long[] slotTimes = new long[slotCount];
    // Each slot's row among this join's, while the key's slots are sorted along with their times.
    int[] slotPlaces = new int[slotCount];
    int[] next = Arrays.copyOf(keyStarts, keyCount);
    for (int i = 0; i < slotCount; i++) {
      int slot = next[keyIds[i]]++;
      slotTimes[slot] = ColumnMemory.longAt(timeAddress, keyedRows[i]);
      slotPlaces[slot] = keyedPlaces[i];
    }
    int[] slotOfRow = new int[spineRows.length];
    Arrays.fill(slotOfRow, NO_SLOT);
    for (int key = 0; key < keyCount; key++) {
      sortSlots(slotTimes, slotPlaces, keyStarts[key], keyStarts[key + 1], slotOfRow);
    }
    List<Field> featureFields =
        request.features().stream()
            .map(
                selection ->
                    StoredRowSchema.featureField(
                        request.group().feature(selection.featureName()).orElseThrow()))
            .toList();
    SlotValues[] values = new SlotValues[featureFields.size()];
    try {
      for (int f = 0; f < values.length; f++) {
        values[f] = SlotValues.of(featureFields.get(f), slotCount, allocator);
      }
    } catch (RuntimeException e) {
      closeAll(values, e);
      throw e;
    }
    return new SpineSlotJoin(
        request, featureFields, dictionary, keyStarts, slotTimes, slotOfRow, values);
  }

  /** Keys with at most this many spine rows sort them by insertion, times and rows together. */
  private static final int INSERTION_SORT_SLOTS = 24;

  /**
   * Sorts one key's slots {@code from..to} by time and gives each of their rows the first slot of
   * its time. A key's slots are few as a rule, and sorted in place by insertion, their rows moving
   * with them; a key with many is sorted by time alone and each row finds its slot by a search.
   */
  private static void sortSlots(
      long[] slotTimes, int[] slotPlaces, int from, int to, int[] slotOfRow) {
    if (to - from > INSERTION_SORT_SLOTS) {
      long[] rowTimes = Arrays.copyOfRange(slotTimes, from, to);
      Arrays.sort(slotTimes, from, to);
      for (int slot = from; slot < to; slot++) {
        slotOfRow[slotPlaces[slot]] =
            firstSlotAtOrAfter(slotTimes, from, to, rowTimes[slot - from]);
      }
      return;
    }
    for (int slot = from + 1; slot < to; slot++) {
      long time = slotTimes[slot];
      int place = slotPlaces[slot];
      int at = slot;
      while (at > from && slotTimes[at - 1] > time) {
        slotTimes[at] = slotTimes[at - 1];
        slotPlaces[at] = slotPlaces[at - 1];
        at--;
      }
      slotTimes[at] = time;
      slotPlaces[at] = place;
    }
    int firstOfTime = from;
    for (int slot = from; slot < to; slot++) {
      if (slotTimes[slot] != slotTimes[firstOfTime]) {
        firstOfTime = slot;
      }
      slotOfRow[slotPlaces[slot]] = firstOfTime;
    }
  }

  /**
   * For each row of a stored batch, the slot it competes for, or {@link #NO_SLOT} when it can win
   * nothing: a commit after the join's version, a key the spine lacks, a time after the key's last
   * spine time or older than its slot's TTL window. Reads only state fixed since the slots were
   * built, so sources run it on their reading threads, in parallel.
   */
  private CandidateRows slotsOfStoredRows(VectorSchemaRoot batch) {
    StoredColumns columns = StoredColumns.of(batch, request.group());
    KeyDictionary.KeyLookup lookup = dictionary.lookup(columns.keys());
    long eventTimeAddress = columns.eventTimes().getDataBufferAddress();
    long commitAddress = columns.commits().getDataBufferAddress();
    long asOf = request.asOfCommitSequence();
    int[] slots = new int[batch.getRowCount()];
    for (int row = 0; row < slots.length; row++) {
      slots[row] = NO_SLOT;
      if (ColumnMemory.longAt(commitAddress, row) > asOf) {
        continue;
      }
      int key = lookup.id(row);
      if (key == KeyDictionary.ABSENT) {
        continue;
      }
      long eventTime = ColumnMemory.longAt(eventTimeAddress, row);
      int end = keyStarts[key + 1];
      int slot = firstSlotAtOrAfter(slotTimes, keyStarts[key], end, eventTime);
      if (slot < end && eventTime >= windowStart(slotTimes[slot])) {
        slots[row] = slot;
      }
    }
    return new CandidateRows(columns, slots);
  }

  /** A stored batch's checked columns, and the slot of each of its rows (or NO_SLOT). */
  private record CandidateRows(StoredColumns columns, int[] slots) {}

  /** Lets every row of one stored batch that has a slot compete for it. */
  private void offer(VectorSchemaRoot batch, CandidateRows candidates) {
    StoredColumns columns = candidates.columns();
    int[] slotsOfRows = candidates.slots();
    FieldVector[] sources = new FieldVector[featureFields.size()];
    for (int f = 0; f < sources.length; f++) {
      sources[f] = StoredColumns.feature(batch, request.group(), featureFields.get(f));
    }
    long eventTimeAddress = columns.eventTimes().getDataBufferAddress();
    long commitAddress = columns.commits().getDataBufferAddress();
    long ordinalAddress = columns.ordinals().getDataBufferAddress();
    for (int row = 0; row < slotsOfRows.length; row++) {
      int slot = slotsOfRows[row];
      if (slot == NO_SLOT) {
        continue;
      }
      long eventTime = ColumnMemory.longAt(eventTimeAddress, row);
      long commit = ColumnMemory.longAt(commitAddress, row);
      long ordinal = ColumnMemory.longAt(ordinalAddress, row);
      if (beatsCandidate(slot, eventTime, commit, ordinal)) {
        candidateEventTimes[slot] = eventTime;
        candidateCommits[slot] = commit;
        candidateOrdinals[slot] = ordinal;
        for (int f = 0; f < values.length; f++) {
          values[f].copy(sources[f], row, slot);
        }
      }
    }
  }

  /**
   * Whether a row beats the slot's candidate, an empty slot's included (see the constructor): most
   * rows are decided by the event times alone, one array read.
   */
  private boolean beatsCandidate(int slot, long eventTime, long commit, long ordinal) {
    long candidateEventTime = candidateEventTimes[slot];
    if (eventTime != candidateEventTime) {
      return eventTime > candidateEventTime;
    }
    if (commit != candidateCommits[slot]) {
      return commit > candidateCommits[slot];
    }
    return ordinal > candidateOrdinals[slot];
  }

  /** Each slot's winner: its own candidate, else the previous slot's winner, within the TTL. */
  private void resolveWinners() {
    winnerSlots = new int[slotTimes.length];
    for (int key = 0; key < keyStarts.length - 1; key++) {
      int latest = NO_SLOT;
      for (int slot = keyStarts[key]; slot < keyStarts[key + 1]; slot++) {
        if (candidateCommits[slot] != NO_CANDIDATE) {
          latest = slot;
        }
        boolean inWindow =
            latest != NO_SLOT && candidateEventTimes[latest] >= windowStart(slotTimes[slot]);
        winnerSlots[slot] = inWindow ? latest : NO_SLOT;
      }
    }
  }

  /** The slot whose values one of this join's rows takes, or {@link #NO_SLOT} for none. */
  private int winnerSlotOf(int row) {
    int slot = slotOfRow[row];
    return slot == NO_SLOT ? NO_SLOT : winnerSlots[slot];
  }

  /**
   * The slots whose values a run of this join's rows take ({@link #NO_SLOT} for none), for {@link
   * #fill}; found once for all the requested features.
   */
  int[] winnerSlots(int firstRow, int rowCount) {
    int[] sourceSlots = new int[rowCount];
    for (int i = 0; i < rowCount; i++) {
      sourceSlots[i] = winnerSlotOf(firstRow + i);
    }
    return sourceSlots;
  }

  /**
   * Fills {@code output}, allocated here, with one requested feature of the rows whose {@link
   * #winnerSlots} are {@code sourceSlots}.
   */
  void fill(FieldVector output, int featureIndex, int[] sourceSlots) {
    values[featureIndex].fill(output, sourceSlots);
  }

  private long windowStart(long spineTimeMicros) {
    if (ttlMicros == 0) {
      return Long.MIN_VALUE;
    }
    long start = spineTimeMicros - ttlMicros;
    // Saturate instead of wrapping around for spine times near the smallest instant.
    return start > spineTimeMicros ? Long.MIN_VALUE : start;
  }

  /**
   * The first index in {@code times[from..to)} whose time is at or after {@code time}, or to. Each
   * step narrows the range by a conditional move rather than a branch: a key has few slots, and a
   * stored row's place among them is as good as random, so branches would mostly be mispredicted.
   */
  static int firstSlotAtOrAfter(long[] times, int from, int to, long time) {
    int length = to - from;
    if (length == 0) {
      return from;
    }
    int base = from;
    while (length > 1) {
      int half = length >>> 1;
      base = times[base + half] < time ? base + half : base;
      length -= half;
    }
    return times[base] < time ? base + 1 : base;
  }

  // As WinningRows, the join answers by its own rows: the spine's, when it joins the whole spine.

  @Override
  public int spineRowCount() {
    return slotOfRow.length;
  }

  @Override
  public boolean hasWinner(int row) {
    return winnerSlotOf(row) != NO_SLOT;
  }

  @Override
  public long commitSequence(int row) {
    int slot = winnerSlotOf(row);
    return slot == NO_SLOT ? -1 : candidateCommits[slot];
  }

  @Override
  public long rowOrdinal(int row) {
    int slot = winnerSlotOf(row);
    return slot == NO_SLOT ? -1 : candidateOrdinals[slot];
  }

  @Override
  public long eventTimeMicros(int row) {
    int slot = winnerSlotOf(row);
    return slot == NO_SLOT ? Long.MIN_VALUE : candidateEventTimes[slot];
  }

  @Override
  public void close() {
    try {
      AutoCloseables.close(values);
    } catch (Exception e) {
      throw new IllegalStateException("could not release a slot column", e);
    }
  }

  private static void closeAll(SlotValues[] values, Throwable failure) {
    try {
      AutoCloseables.close(values);
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }
}
