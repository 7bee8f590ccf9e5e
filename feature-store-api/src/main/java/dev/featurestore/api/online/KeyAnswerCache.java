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
 * otherwise churn through the young generation and be copied at each collection. An answer has two
 * places, chosen by its slot.
 */
final class KeyAnswerCache {
  /** Entries in all; with 50 FLOAT64 features an entry holds about 11 KB (text and bytes). */
  static final int ENTRIES = 4096;

  /**
   * Places of the last key missed: many more than entries, so that two keys asked for in turn
   * seldom share one (each would then keep the other out).
   */
  static final int NOTES = 16 * ENTRIES;

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

  /** The answer kept for the key's slot under this plan and state of its index, or null. */
  Answer find(long plan, int slot, long indexChanges) {
    int place = place(slot);
    Answer first = answers.getPlain(place);
    if (first != null && first.answers(plan, slot, indexChanges)) {
      return first;
    }
    Answer second = answers.getPlain(place ^ 1);
    return second != null && second.answers(plan, slot, indexChanges) ? second : null;
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

  /** Keeps an answer in its key's first place that is free or its own, else in the second. */
  void keep(Answer answer) {
    if (answer.features().charLength() > MAX_ANSWER_BYTES) {
      return;
    }
    int place = place(answer.slot());
    Answer first = answers.getPlain(place);
    boolean firstIsFree =
        first == null || first.answers(answer.plan(), answer.slot(), first.indexChanges());
    // Answers are immutable: a plain write publishes them safely (final fields).
    answers.setPlain(firstIsFree ? place : place ^ 1, answer);
  }

  private static int place(int slot) {
    return hash(slot, ENTRIES);
  }

  /** A slot's place among {@code places}, a power of two. */
  private static int hash(int slot, int places) {
    return (slot * 0x9E3779B9) >>> (Integer.SIZE - Integer.numberOfTrailingZeros(places));
  }
}
