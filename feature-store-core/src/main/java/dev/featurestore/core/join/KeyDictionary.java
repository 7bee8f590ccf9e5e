package dev.featurestore.core.join;

import dev.featurestore.core.model.KeyType;
import org.apache.arrow.vector.FieldVector;

/**
 * Maps a group's keys to dense ids {@code 0..size()-1}, so that rows can be bucketed by key with a
 * counting sort and stored rows' keys found with a hash probe (for INT64 keys, once renumbered, by
 * walking the sorted keys from the previous row's). Adding is single-threaded; lookups made by
 * {@link #lookup} may run in parallel once adding is over.
 */
abstract sealed class KeyDictionary permits Int64KeyDictionary, Utf8KeyDictionary {
  static final int ABSENT = -1;

  static KeyDictionary forKeyType(KeyType keyType) {
    return switch (keyType) {
      case INT64 -> new Int64KeyDictionary();
      case STRING -> new Utf8KeyDictionary();
    };
  }

  abstract int size();

  /**
   * Writes to {@code ids[idOffset + i]} the id of the non-null key at row {@code rows[i]} of {@code
   * keys}, for {@code i < rowCount}, adding keys that are new.
   */
  abstract void idsOrAdd(FieldVector keys, int[] rows, int rowCount, int[] ids, int idOffset);

  /**
   * Renumbers the ids in the keys' order (the order of a feature file's rows) and returns each old
   * id's new id. A join's slots are laid out by key id, so that rows read in key order then update
   * neighbouring slots instead of ones all over memory.
   */
  abstract int[] renumberInKeyOrder();

  /** Finds ids of the keys of {@code keys}; for one thread. */
  abstract KeyLookup lookup(FieldVector keys);

  /** Ids of one key vector's keys: {@link #ABSENT} for a null key or one the group lacks. */
  interface KeyLookup {
    int id(int row);
  }

  /** Murmur3's finaliser: spreads keys that differ in few bits over the whole table. */
  static int mix(long value) {
    long h = value;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h;
  }
}
