package dev.featurestore.core.join;

import dev.featurestore.core.model.KeyText;
import dev.featurestore.core.model.KeyType;
import java.util.HashSet;
import java.util.Set;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;

/**
 * The distinct keys of key-column rows, spelt as lineage spells them ({@link KeyText}): what a
 * training set records as the keys it used. A spine has a row per example and few distinct keys:
 * integer keys are kept as longs in an open-addressing set, so that a million rows make no String
 * each (that cost as much as the join itself); only the distinct keys are spelt, once, by {@link
 * #spelt}. For one thread at a time.
 */
public final class DistinctKeys {
  private long[] integerSlots = new long[1024];
  private boolean[] integerSlotUsed = new boolean[1024];
  private int integerCount;
  private final Set<String> textKeys = new HashSet<>();

  /** Adds the key of a non-null row of a key column of an entity of {@code keyType}. */
  public void add(FieldVector keys, int row, KeyType keyType) {
    if (keys instanceof BaseIntVector integers) {
      addInteger(integers.getValueAsLong(row));
    } else {
      textKeys.add(KeyText.of(keys, row, keyType));
    }
  }

  /** Adds every key of {@code other}. */
  public void addAll(DistinctKeys other) {
    for (int slot = 0; slot < other.integerSlots.length; slot++) {
      if (other.integerSlotUsed[slot]) {
        addInteger(other.integerSlots[slot]);
      }
    }
    textKeys.addAll(other.textKeys);
  }

  /** The keys as lineage spells them. */
  public Set<String> spelt() {
    Set<String> spelt = new HashSet<>(textKeys);
    for (int slot = 0; slot < integerSlots.length; slot++) {
      if (integerSlotUsed[slot]) {
        spelt.add(Long.toString(integerSlots[slot]));
      }
    }
    return spelt;
  }

  private void addInteger(long key) {
    int mask = integerSlots.length - 1;
    int slot = KeyDictionary.mix(key) & mask;
    while (integerSlotUsed[slot]) {
      if (integerSlots[slot] == key) {
        return;
      }
      slot = (slot + 1) & mask;
    }
    integerSlots[slot] = key;
    integerSlotUsed[slot] = true;
    if (++integerCount * 2 > integerSlots.length) {
      grow();
    }
  }

  private void grow() {
    long[] oldSlots = integerSlots;
    boolean[] oldUsed = integerSlotUsed;
    integerSlots = new long[oldSlots.length * 2];
    integerSlotUsed = new boolean[oldSlots.length * 2];
    integerCount = 0;
    for (int slot = 0; slot < oldSlots.length; slot++) {
      if (oldUsed[slot]) {
        addInteger(oldSlots[slot]);
      }
    }
  }
}
