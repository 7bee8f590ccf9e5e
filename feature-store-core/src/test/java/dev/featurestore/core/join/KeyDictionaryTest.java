package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

class KeyDictionaryTest {
  /**
   * Keys added in any order (repeated, with negatives and multi-byte UTF-8) are renumbered in key
   * order, and every key is still found under its new id.
   */
  @Property(tries = 100)
  void renumberingFollowsTheKeysOrder(
      @ForAll KeyType keyType, @ForAll("addedKeys") List<Long> added) {
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector keys = keyVector(allocator, keyType, added)) {
      KeyDictionary dictionary = KeyDictionary.forKeyType(keyType);
      int[] rows = IntStream.range(0, added.size()).toArray();
      int[] oldIds = new int[rows.length];
      dictionary.idsOrAdd(keys, rows, rows.length, oldIds, 0);

      int[] newIds = dictionary.renumberInKeyOrder();

      KeyDictionary.KeyLookup lookup = dictionary.lookup(keys);
      List<Integer> keyOrder = new ArrayList<>(rows.length);
      for (int row : rows) {
        int id = lookup.id(row);
        assertThat(id).isEqualTo(newIds[oldIds[row]]);
        keyOrder.add(row);
      }
      keyOrder.sort((a, b) -> compare(keyType, added.get(a), added.get(b)));
      for (int i = 1; i < keyOrder.size(); i++) {
        int previous = lookup.id(keyOrder.get(i - 1));
        int current = lookup.id(keyOrder.get(i));
        boolean sameKey = added.get(keyOrder.get(i - 1)).equals(added.get(keyOrder.get(i)));
        assertThat(current).isEqualTo(sameKey ? previous : previous + 1);
      }
      assertThat(lookup.id(keyOrder.getFirst())).isZero();
      assertThat(dictionary.size()).isEqualTo(added.stream().distinct().count());
    }
  }

  /**
   * After renumbering, a lookup finds each row's key, or ABSENT, whatever the order of the rows: in
   * key order with repeats, gaps and absent keys between (a feature file's order, walked from the
   * previous row's key), or jumping back and far ahead.
   */
  @Property(tries = 200)
  void lookupsFindTheKeysOfRowsInKeyOrderAndOutOfIt(
      @ForAll KeyType keyType,
      @ForAll("nearKeys") List<Long> added,
      @ForAll("nearKeys") List<Long> looked,
      @ForAll boolean sortLooked) {
    List<Long> rowsKeys = new ArrayList<>(looked);
    if (sortLooked) {
      rowsKeys.sort((a, b) -> compare(keyType, a, b));
    }
    try (BufferAllocator allocator = new RootAllocator();
        FieldVector addedKeys = keyVector(allocator, keyType, added);
        FieldVector lookedKeys = keyVector(allocator, keyType, rowsKeys)) {
      KeyDictionary dictionary = KeyDictionary.forKeyType(keyType);
      int[] addedRows = IntStream.range(0, added.size()).toArray();
      int[] ids = new int[addedRows.length];
      dictionary.idsOrAdd(addedKeys, addedRows, addedRows.length, ids, 0);
      dictionary.renumberInKeyOrder();
      List<Long> distinctInOrder =
          added.stream().distinct().sorted((a, b) -> compare(keyType, a, b)).toList();

      KeyDictionary.KeyLookup lookup = dictionary.lookup(lookedKeys);

      for (int row = 0; row < rowsKeys.size(); row++) {
        assertThat(lookup.id(row))
            .as("row %d, key %d", row, rowsKeys.get(row))
            .isEqualTo(
                distinctInOrder.contains(rowsKeys.get(row))
                    ? distinctInOrder.indexOf(rowsKeys.get(row))
                    : KeyDictionary.ABSENT);
      }
    }
  }

  /** Up to 300 keys between -40 and 40, so that lists share and miss some. */
  @Provide
  Arbitrary<List<Long>> nearKeys() {
    return Arbitraries.longs().between(-40, 40).list().ofMinSize(1).ofMaxSize(300);
  }

  /** Up to 3,500 keys, any long or (so that many repeat) one near zero. */
  @Provide
  Arbitrary<List<Long>> addedKeys() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-20, 20))
        .list()
        .ofMinSize(1)
        .ofMaxSize(3_500);
  }

  private static FieldVector keyVector(
      BufferAllocator allocator, KeyType keyType, List<Long> keys) {
    if (keyType == KeyType.INT64) {
      BigIntVector vector = new BigIntVector("key", allocator);
      for (int row = 0; row < keys.size(); row++) {
        vector.setSafe(row, keys.get(row));
      }
      vector.setValueCount(keys.size());
      return vector;
    }
    VarCharVector vector = new VarCharVector("key", allocator);
    for (int row = 0; row < keys.size(); row++) {
      vector.setSafe(row, text(keys.get(row)));
    }
    vector.setValueCount(keys.size());
    return vector;
  }

  /** A string key per number, of varying length and with non-ASCII characters. */
  private static byte[] text(long key) {
    return ("k" + "é".repeat((int) (key & 3)) + Long.toString(key, 36))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static int compare(KeyType keyType, long a, long b) {
    return keyType == KeyType.INT64 ? Long.compare(a, b) : Arrays.compareUnsigned(text(a), text(b));
  }
}
