package dev.featurestore.testing;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** Generated string keys for property tests of key order. */
public final class UnicodeKeys {
  private UnicodeKeys() {}

  /**
   * Keys of up to six code points from the ranges where UTF-16 and UTF-8 order part: ASCII, the
   * rest of the BMP below the surrogates, U+E000 to U+FFFF, and supplementary characters (a
   * surrogate pair each in a Java string). Never a lone surrogate, which no UTF-8 key can hold.
   */
  public static Arbitrary<String> mixingUtf16AndUtf8Orders() {
    return Arbitraries.oneOf(
            Arbitraries.integers().between(0x20, 0x7E),
            Arbitraries.integers().between(0x80, 0xD7FF),
            Arbitraries.integers().between(0xE000, 0xFFFF),
            Arbitraries.integers().between(0x10000, 0x10FFFF))
        .list()
        .ofMaxSize(6)
        .map(
            codePoints ->
                new String(
                    codePoints.stream().mapToInt(Integer::intValue).toArray(),
                    0,
                    codePoints.size()));
  }
}
