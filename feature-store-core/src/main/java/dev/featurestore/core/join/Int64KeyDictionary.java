package dev.featurestore.core.join;

import java.util.Arrays;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;

/** Open-addressing hash table from 64-bit keys to dense ids, kept at most half full. */
final class Int64KeyDictionary extends KeyDictionary {
  /** How far a lookup walks the sorted keys from the previous row's before it probes the table. */
  private static final int CURSOR_STEPS = 4;

  private long[] slotKeys = new long[1024];
  private int[] slotIdsPlusOne = new int[1024];
  private int size;

  /** Key id {@code i}'s key, set by {@link #renumberInKeyOrder} (then ids are key positions). */
  private long[] keysInIdOrder;

  @Override
  int size() {
    return size;
  }

  @Override
  void idsOrAdd(FieldVector keys, int[] rows, int rowCount, int[] ids, int idOffset) {
    long keyAddress = keys.getDataBufferAddress();
    for (int i = 0; i < rowCount; i++) {
      ids[idOffset + i] = idOrAdd(ColumnMemory.longAt(keyAddress, rows[i]));
    }
  }

  private int idOrAdd(long key) {
    int mask = slotKeys.length - 1;
    int slot = mix(key) & mask;
    while (slotIdsPlusOne[slot] != 0) {
      if (slotKeys[slot] == key) {
        return slotIdsPlusOne[slot] - 1;
      }
      slot = (slot + 1) & mask;
    }
    int id = size++;
    keysInIdOrder = null;
    slotKeys[slot] = key;
    slotIdsPlusOne[slot] = id + 1;
    if (size * 2 > slotKeys.length) {
      grow();
    }
    return id;
  }

  @Override
  int[] renumberInKeyOrder() {
    long[] sortedKeys = new long[size];
    for (int slot = 0; slot < slotKeys.length; slot++) {
      if (slotIdsPlusOne[slot] != 0) {
        sortedKeys[slotIdsPlusOne[slot] - 1] = slotKeys[slot];
      }
    }
    Arrays.sort(sortedKeys);
    int[] newIds = new int[size];
    for (int slot = 0; slot < slotKeys.length; slot++) {
      if (slotIdsPlusOne[slot] != 0) {
        int newId = Arrays.binarySearch(sortedKeys, slotKeys[slot]);
        newIds[slotIdsPlusOne[slot] - 1] = newId;
        slotIdsPlusOne[slot] = newId + 1;
      }
    }
    keysInIdOrder = sortedKeys;
    return newIds;
  }

  @Override
  KeyLookup lookup(FieldVector keys) {
    BigIntVector keyVector = (BigIntVector) keys;
    long keyAddress = keyVector.getDataBufferAddress();
    long validityAddress = keyVector.getValidityBufferAddress();
    if (keysInIdOrder == null) {
      return row ->
          ColumnMemory.isValid(validityAddress, row)
              ? id(ColumnMemory.longAt(keyAddress, row))
              : ABSENT;
    }
    return new SortedKeyLookup(keysInIdOrder, keyAddress, validityAddress);
  }

  /**
   * Looks keys up by walking the sorted keys from the previous row's place: feature files hold
   * their rows in key order, so a row's key is mostly the previous row's or one of the next few,
   * found in memory read in order where a hash probe reads a random place of a larger table. Rows
   * out of order, or keys further on, fall back to the probe.
   */
  private final class SortedKeyLookup implements KeyLookup {
    private final long[] sortedKeys;
    private final long keyAddress;
    private final long validityAddress;

    /** Where the previous row's key is or would be in {@code sortedKeys}. */
    private int cursor;

    SortedKeyLookup(long[] sortedKeys, long keyAddress, long validityAddress) {
      this.sortedKeys = sortedKeys;
      this.keyAddress = keyAddress;
      this.validityAddress = validityAddress;
    }

    @Override
    public int id(int row) {
      if (!ColumnMemory.isValid(validityAddress, row)) {
        return ABSENT;
      }
      long key = ColumnMemory.longAt(keyAddress, row);
      int position = cursor;
      int end = Math.min(sortedKeys.length, position + CURSOR_STEPS);
      while (position < end && sortedKeys[position] < key) {
        position++;
      }
      if (position < sortedKeys.length && sortedKeys[position] == key) {
        cursor = position;
        return position;
      }
      boolean between =
          (position == 0 || sortedKeys[position - 1] < key)
              && (position == sortedKeys.length || sortedKeys[position] > key);
      if (between) {
        cursor = position;
        return ABSENT;
      }
      int probed = Int64KeyDictionary.this.id(key);
      if (probed != ABSENT) {
        cursor = probed;
      }
      return probed;
    }
  }

  private int id(long key) {
    int mask = slotKeys.length - 1;
    int slot = mix(key) & mask;
    while (slotIdsPlusOne[slot] != 0) {
      if (slotKeys[slot] == key) {
        return slotIdsPlusOne[slot] - 1;
      }
      slot = (slot + 1) & mask;
    }
    return ABSENT;
  }

  private void grow() {
    long[] oldKeys = slotKeys;
    int[] oldIds = slotIdsPlusOne;
    slotKeys = new long[oldKeys.length * 2];
    slotIdsPlusOne = new int[oldKeys.length * 2];
    int mask = slotKeys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldIds[i] != 0) {
        int slot = mix(oldKeys[i]) & mask;
        while (slotIdsPlusOne[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        slotKeys[slot] = oldKeys[i];
        slotIdsPlusOne[slot] = oldIds[i];
      }
    }
  }
}
