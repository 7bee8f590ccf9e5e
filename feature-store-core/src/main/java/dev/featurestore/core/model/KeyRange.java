package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

/**
 * An inclusive range of entity keys. String keys compare by unsigned UTF-8 bytes (Parquet's order
 * for strings, which equals code point order); 64-bit keys compare as signed integers.
 */
public sealed interface KeyRange {
  KeyType keyType();

  static KeyRange ofStrings(String min, String max) {
    return new StringKeys(min, max);
  }

  static KeyRange ofLongs(long min, long max) {
    return new LongKeys(min, max);
  }

  /** String keys from {@code min} to {@code max}, both included. */
  record StringKeys(String min, String max) implements KeyRange {
    public StringKeys {
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (Utf8Order.compare(min, max) > 0) {
        throw new IllegalArgumentException("min " + min + " is after max " + max);
      }
    }

    @Override
    public KeyType keyType() {
      return KeyType.STRING;
    }
  }

  /** 64-bit keys from {@code min} to {@code max}, both included. */
  record LongKeys(long min, long max) implements KeyRange {
    public LongKeys {
      if (min > max) {
        throw new IllegalArgumentException("min " + min + " is after max " + max);
      }
    }

    @Override
    public KeyType keyType() {
      return KeyType.INT64;
    }
  }

  /** Code point order, which is the unsigned UTF-8 byte order Parquet statistics use. */
  final class Utf8Order {
    private Utf8Order() {}

    public static int compare(String left, String right) {
      int leftIndex = 0;
      int rightIndex = 0;
      while (leftIndex < left.length() && rightIndex < right.length()) {
        int leftCodePoint = left.codePointAt(leftIndex);
        int rightCodePoint = right.codePointAt(rightIndex);
        if (leftCodePoint != rightCodePoint) {
          return Integer.compare(leftCodePoint, rightCodePoint);
        }
        leftIndex += Character.charCount(leftCodePoint);
        rightIndex += Character.charCount(rightCodePoint);
      }
      return Integer.compare(left.length() - leftIndex, right.length() - rightIndex);
    }
  }
}
