package dev.featurestore.api.online;

import java.util.concurrent.atomic.AtomicReferenceArray;
import tools.jackson.core.io.SerializedString;

/**
 * The formatted features of recent single-key answers. A model server asks for the same keys again
 * and again, and formatting a key's 50 values with their statuses and event times was most of such
 * a lookup's work (docs/benchmarks-online.md). An entry is the answer's feature results as JSON
 * text for one resolved feature list (the plan, which fixes the index; by number, so that an entry
 * does not keep a replaced index on the heap), one key (its slot) and one state of the index
 * ({@code LatestValueIndex.View#changes}): any change the index makes moves that state, so an entry
 * never outlives the values it shows. Whether the reader may read the features, whether the key has
 * a tombstone, is past the maximum age or outside the TTL, is decided for every request before the
 * cache is asked, as without it.
 *
 * <p>A key's answer is kept when it is missed for the second time in a row at its note (the slot of
 * the last key missed is noted in one of {@link #NOTES} places, chosen by slot): keys asked for
 * once, as a uniform stream over a large index is, do not replace the kept answers, which would
 * otherwise churn through the young generation and be copied at each collection. An answer may take
 * one of {@link #WAYS} places, chosen by its slot.
 */
final class KeyAnswerCache {
  /** Entries in all; with 50 FLOAT64 features an entry holds about 11 KB (text and bytes). */
  static final int ENTRIES = 4096;

  /**
   * Places of the last key missed: many more than entries, so that two keys asked for in turn
   * seldom share one (each would then keep the other out).
   */
  static final int NOTES = 16 * ENTRIES;

  /**
   * Places an answer may take: its own and the others of its aligned group of this many. With two,
   * 2,000 keys in 4,096 places left 7% of pairs wanted by three keys or more, each evicting another
   * at every pass (docs/benchmarks-online.md).
   */
  static final int WAYS = 4;

  /** Longer answers are not kept, so the cache stays under {@code ENTRIES} x 2 x this. */
  static final int MAX_ANSWER_BYTES = 8 << 10;

  /**
   * One key's formatted feature results and the number of its values of each status (by {@link
   * dev.featurestore.core.online.OnlineStatus#ordinal()}), for the metrics.
   */
  record Answer(
      long plan, int slot, long indexChanges, SerializedString features, int[] statusCounts) {
    boolean answers(long plan, int slot, long indexChanges) {
      return this.plan == plan && this.slot == slot && this.indexChanges == indexChanges;
    }
  }

  private final AtomicReferenceArray<Answer> answers = new AtomicReferenceArray<>(ENTRIES);
  private final int[] lastMissed = new int[NOTES];
  // Which of a full group of places gives way next; racy by design, any choice is right.
  private int evictions;

  /** The answer kept for the key's slot under this plan and state of its index, or null. */
  Answer find(long plan, int slot, long indexChanges) {
    int place = place(slot);
    for (int way = 0; way < WAYS; way++) {
      Answer held = answers.getPlain(place ^ way);
      if (held != null && held.answers(plan, slot, indexChanges)) {
        return held;
      }
    }
    return null;
  }

  /**
   * Whether a key missed now should be kept: it was the last key missed at its place. Racy by
   * design (a plain array): a lost note only delays a key's admission.
   */
  boolean admits(int slot) {
    int note = hash(slot, NOTES);
    if (lastMissed[note] == slot + 1) {
      return true;
    }
    lastMissed[note] = slot + 1;
    return false;
  }

  /**
   * Keeps an answer in the first of its key's places that is free, its own or stale for the same
   * plan; when none is, in one taken in turn.
   */
  void keep(Answer answer) {
    if (answer.features().charLength() > MAX_ANSWER_BYTES) {
      return;
    }
    int place = place(answer.slot());
    int target = place ^ (evictions++ & (WAYS - 1));
    for (int way = 0; way < WAYS; way++) {
      Answer held = answers.getPlain(place ^ way);
      if (held == null
          || (held.plan() == answer.plan()
              && (held.slot() == answer.slot() || held.indexChanges() != answer.indexChanges()))) {
        target = place ^ way;
        break;
      }
    }
    // Answers are immutable: a plain write publishes them safely (final fields).
    answers.setPlain(target, answer);
  }

  private static int place(int slot) {
    return hash(slot, ENTRIES);
  }

  /** A slot's place among {@code places}, a power of two. */
  private static int hash(int slot, int places) {
    return (slot * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(places));
  }
}
