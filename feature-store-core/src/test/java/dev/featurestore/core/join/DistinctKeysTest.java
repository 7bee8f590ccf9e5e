package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.KeyText;
import dev.featurestore.core.model.KeyType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
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
import org.junit.jupiter.api.Test;

class DistinctKeysTest {
  /**
   * Rows of integer keys (repeated, negative, zero, more than the first table holds), added in two
   * halves merged with addAll, are spelt as KeyText spells each row: once per distinct key.
   */
  @Property(tries = 100)
  void integerKeysAreSpeltOncePerDistinctKey(@ForAll("keys") List<Long> keys) {
    try (BufferAllocator allocator = new RootAllocator();
        BigIntVector vector = new BigIntVector("user_id", allocator)) {
      for (int row = 0; row < keys.size(); row++) {
        vector.setSafe(row, keys.get(row));
      }
      vector.setValueCount(keys.size());
      DistinctKeys first = new DistinctKeys();
      DistinctKeys second = new DistinctKeys();
      for (int row = 0; row < keys.size(); row++) {
        (row % 2 == 0 ? first : second).add(vector, row, KeyType.INT64);
      }

      first.addAll(second);

      assertThat(first.spelt()).isEqualTo(speltByKeyText(vector, KeyType.INT64));
    }
  }

  /** Text keys stay text; text of an INT64 entity is spelt as the integer it spells. */
  @Test
  void textKeysAreSpeltAsKeyTextSpellsThem() {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector vector = new VarCharVector("user_id", allocator)) {
      List<String> texts = List.of("u1", "u1", "é2", " 7", "007", "x");
      for (int row = 0; row < texts.size(); row++) {
        vector.setSafe(row, texts.get(row).getBytes(StandardCharsets.UTF_8));
      }
      vector.setValueCount(texts.size());
      for (KeyType keyType : KeyType.values()) {
        DistinctKeys keys = new DistinctKeys();
        for (int row = 0; row < texts.size(); row++) {
          keys.add(vector, row, keyType);
        }

        assertThat(keys.spelt()).isEqualTo(speltByKeyText(vector, keyType));
      }
      DistinctKeys asIntegers = new DistinctKeys();
      for (int row = 0; row < texts.size(); row++) {
        asIntegers.add(vector, row, KeyType.INT64);
      }
      assertThat(asIntegers.spelt()).containsExactlyInAnyOrder("u1", "é2", "7", "x");
    }
  }

  /** Up to 5,000 keys, any long or (so that many repeat) one near zero. */
  @Provide
  Arbitrary<List<Long>> keys() {
    return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-20, 20))
        .list()
        .ofMaxSize(5_000);
  }

  private static Set<String> speltByKeyText(FieldVector keys, KeyType keyType) {
    return IntStream.range(0, keys.getValueCount())
        .mapToObj(row -> KeyText.of(keys, row, keyType))
        .collect(Collectors.toSet());
  }
}
