package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyDictionaryTest {
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  /**
   * Keys added in random order (repeated, with negatives and multi-byte UTF-8) are renumbered in
   * key order, and every key is still found under its new id.
   */
  @ParameterizedTest
  @EnumSource(KeyType.class)
  void renumberingFollowsTheKeysOrder(KeyType keyType) {
    Random random = new Random(7);
    List<Long> distinct = new ArrayList<>(random.longs(3_000).boxed().distinct().toList());
    distinct.add(0L);
    distinct.add(-1L);
    List<Long> added = new ArrayList<>(distinct);
    added.addAll(distinct.subList(0, 500));
    Collections.shuffle(added, random);
    try (FieldVector keys = keyVector(keyType, added)) {
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
      assertThat(dictionary.size()).isEqualTo(distinct.size());
    }
  }

  private FieldVector keyVector(KeyType keyType, List<Long> keys) {
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
