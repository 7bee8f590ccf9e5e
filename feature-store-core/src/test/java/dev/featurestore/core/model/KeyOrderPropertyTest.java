package dev.featurestore.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.testing.UnicodeKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;

/**
 * The one key order is the order of the keys' UTF-8 bytes, which feature files are sorted by and
 * Parquet statistics compare in, including where UTF-16 order differs: supplementary characters
 * (surrogate pairs in a Java string) against U+E000 to U+FFFF.
 */
class KeyOrderPropertyTest {
  @Property
  void stringOrderIsUtf8ByteOrder(@ForAll("keys") String left, @ForAll("keys") String right) {
    assertThat(Integer.signum(KeyOrder.STRINGS.compare(left, right)))
        .as("%s vs %s", codePoints(left), codePoints(right))
        .isEqualTo(Integer.signum(Arrays.compareUnsigned(utf8(left), utf8(right))));
  }

  /** String.compareTo puts U+1F600 (a surrogate pair, 0xD83D 0xDE00) before U+E000. */
  @Example
  void aSupplementaryCharacterSortsAfterPrivateUseAndSpecials() {
    String grinning = "\uD83D\uDE00";
    assertThat(KeyOrder.STRINGS.compare("\uE000", grinning)).isNegative();
    assertThat(KeyOrder.STRINGS.compare("\uFFFD", grinning)).isNegative();
    assertThat(KeyOrder.ofText(KeyType.STRING).compare(grinning, "\uFFFF")).isPositive();
  }

  /**
   * A file holds a run of keys in key order and its range is its first and last key, as the writer
   * records them: every key of the run is in the range, whatever characters it mixes.
   */
  @Property
  void aFileRangeHoldsEveryKeyOfTheFile(
      @ForAll @Size(min = 1, max = 30) @UniqueElements List<@From("keys") String> keys) {
    List<String> sorted = keys.stream().sorted(KeyOrder.STRINGS).toList();
    KeyRange range = KeyRange.ofText(KeyType.STRING, sorted.getFirst(), sorted.getLast());
    for (String key : keys) {
      assertThat(range.containsText(key)).as(codePoints(key)).isTrue();
      assertThat(KeyRange.ofKeyText(KeyType.STRING, key).orElseThrow().containsText(key)).isTrue();
    }
  }

  @Property
  void anInt64RangeHoldsTheIntegersBetweenItsBoundsWrittenAsText(
      @ForAll long first, @ForAll long second, @ForAll long candidate) {
    KeyRange range =
        KeyRange.ofText(
            KeyType.INT64,
            Long.toString(Math.min(first, second)),
            Long.toString(Math.max(first, second)));
    assertThat(range.containsText(Long.toString(candidate)))
        .isEqualTo(Math.min(first, second) <= candidate && candidate <= Math.max(first, second));
  }

  @Example
  void anInt64RangeHoldsNoTextThatSpellsNoInteger() {
    assertThat(KeyRange.ofLongs(-5, 5).containsText("1x")).isFalse();
    assertThat(KeyRange.ofKeyText(KeyType.INT64, "1x")).isEmpty();
  }

  @Provide
  Arbitrary<String> keys() {
    return UnicodeKeys.mixingUtf16AndUtf8Orders();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String codePoints(String text) {
    return text.codePoints().mapToObj(Integer::toHexString).toList().toString();
  }
}
