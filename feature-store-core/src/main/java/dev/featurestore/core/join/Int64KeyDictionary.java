package dev.featurestore.core.join;

import java.util.Arrays;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;

/** Open-addressing hash table from 64-bit keys to dense ids, kept at most half full. */
final class Int64KeyDictionary extends KeyDictionary {
  private long[] slotKeys = new long[1024];
  private int[] slotIdsPlusOne = new int[1024];
  private int size;

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
    return newIds;
  }

  @Override
  KeyLookup lookup(FieldVector keys) {
    BigIntVector keyVector = (BigIntVector) keys;
    long keyAddress = keyVector.getDataBufferAddress();
    long validityAddress = keyVector.getValidityBufferAddress();
    return row ->
        ColumnMemory.isValid(validityAddress, row)
            ? id(ColumnMemory.longAt(keyAddress, row))
            : ABSENT;
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
