package dev.featurestore.core.join;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Open-addressing hash table from UTF-8 keys to dense ids. Key bytes live in one growing pool, so a
 * million keys cost a few arrays rather than a million objects.
 */
final class Utf8KeyDictionary extends KeyDictionary {
  private byte[] pool = new byte[16 * 1024];
  private int poolSize;
  private int[] keyStarts = new int[1025];
  private int[] keyHashes = new int[1024];
  private int[] slotIdsPlusOne = new int[1024];
  private int size;
  private byte[] scratch = new byte[64];

  @Override
  int size() {
    return size;
  }

  @Override
  void idsOrAdd(FieldVector keys, int[] rows, int rowCount, int[] ids, int idOffset) {
    VarCharVector keyVector = (VarCharVector) keys;
    for (int i = 0; i < rowCount; i++) {
      ids[idOffset + i] = idOrAdd(keyVector, rows[i]);
    }
  }

  private int idOrAdd(VarCharVector keyVector, int row) {
    int length = copyKey(keyVector, row);
    int hash = hash(scratch, length);
    int mask = slotIdsPlusOne.length - 1;
    int slot = hash & mask;
    while (slotIdsPlusOne[slot] != 0) {
      int id = slotIdsPlusOne[slot] - 1;
      if (keyHashes[id] == hash && equalsKey(id, scratch, length)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
    return add(slot, hash, length);
  }

  /** Key order is unsigned byte order, as our feature files sort string keys. */
  @Override
  int[] renumberInKeyOrder() {
    Integer[] idsByKey = new Integer[size];
    Arrays.setAll(idsByKey, id -> id);
    Arrays.sort(
        idsByKey,
        (a, b) ->
            Arrays.compareUnsigned(
                pool, keyStarts[a], keyStarts[a + 1], pool, keyStarts[b], keyStarts[b + 1]));
    int[] newIds = new int[size];
    byte[] sortedPool = new byte[pool.length];
    int[] sortedStarts = new int[keyStarts.length];
    int[] sortedHashes = new int[keyHashes.length];
    for (int newId = 0; newId < size; newId++) {
      int oldId = idsByKey[newId];
      newIds[oldId] = newId;
      int start = keyStarts[oldId];
      int length = keyStarts[oldId + 1] - start;
      System.arraycopy(pool, start, sortedPool, sortedStarts[newId], length);
      sortedStarts[newId + 1] = sortedStarts[newId] + length;
      sortedHashes[newId] = keyHashes[oldId];
    }
    pool = sortedPool;
    keyStarts = sortedStarts;
    keyHashes = sortedHashes;
    for (int slot = 0; slot < slotIdsPlusOne.length; slot++) {
      if (slotIdsPlusOne[slot] != 0) {
        slotIdsPlusOne[slot] = newIds[slotIdsPlusOne[slot] - 1] + 1;
      }
    }
    return newIds;
  }

  @Override
  KeyLookup lookup(FieldVector keys) {
    VarCharVector keyVector = (VarCharVector) keys;
    return new KeyLookup() {
      private byte[] lookupScratch = new byte[64];

      @Override
      public int id(int row) {
        if (keyVector.isNull(row)) {
          return ABSENT;
        }
        int start = keyVector.getStartOffset(row);
        int length = keyVector.getEndOffset(row) - start;
        if (lookupScratch.length < length) {
          lookupScratch = new byte[Math.max(length, lookupScratch.length * 2)];
        }
        keyVector.getDataBuffer().getBytes(start, lookupScratch, 0, length);
        return find(lookupScratch, length);
      }
    };
  }

  private int find(byte[] key, int length) {
    int hash = hash(key, length);
    int mask = slotIdsPlusOne.length - 1;
    int slot = hash & mask;
    while (slotIdsPlusOne[slot] != 0) {
      int id = slotIdsPlusOne[slot] - 1;
      if (keyHashes[id] == hash && equalsKey(id, key, length)) {
        return id;
      }
      slot = (slot + 1) & mask;
    }
    return ABSENT;
  }

  private int copyKey(VarCharVector keyVector, int row) {
    int start = keyVector.getStartOffset(row);
    int length = keyVector.getEndOffset(row) - start;
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    ArrowBuf data = keyVector.getDataBuffer();
    data.getBytes(start, scratch, 0, length);
    return length;
  }

  private int add(int slot, int hash, int length) {
    int id = size++;
    if (poolSize + length > pool.length) {
      pool = Arrays.copyOf(pool, Math.max(poolSize + length, pool.length * 2));
    }
    System.arraycopy(scratch, 0, pool, poolSize, length);
    poolSize += length;
    if (id == keyHashes.length) {
      keyHashes = Arrays.copyOf(keyHashes, keyHashes.length * 2);
      keyStarts = Arrays.copyOf(keyStarts, keyHashes.length + 1);
    }
    keyStarts[id + 1] = poolSize;
    keyHashes[id] = hash;
    slotIdsPlusOne[slot] = id + 1;
    if (size * 2 > slotIdsPlusOne.length) {
      grow();
    }
    return id;
  }

  private boolean equalsKey(int id, byte[] key, int length) {
    int start = keyStarts[id];
    return Arrays.equals(pool, start, keyStarts[id + 1], key, 0, length);
  }

  private void grow() {
    slotIdsPlusOne = new int[slotIdsPlusOne.length * 2];
    int mask = slotIdsPlusOne.length - 1;
    for (int id = 0; id < size; id++) {
      int slot = keyHashes[id] & mask;
      while (slotIdsPlusOne[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slotIdsPlusOne[slot] = id + 1;
    }
  }

  private static int hash(byte[] key, int length) {
    long h = 0x9E3779B97F4A7C15L ^ length;
    for (int i = 0; i < length; i++) {
      h = (h ^ key[i]) * 0x100000001B3L;
    }
    return mix(h);
  }
}
