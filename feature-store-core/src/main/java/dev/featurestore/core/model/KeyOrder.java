package dev.featurestore.core.model;

import java.util.Comparator;

/**
 * The one order of entity keys, everywhere a key is compared: in feature files (sorted by key, then
 * event time), in their Parquet statistics, in the catalog's key range of each file, and wherever
 * those ranges prune files for a join, a lineage query or an erasure.
 *
 * <p>String keys compare in code point order, which is the unsigned byte order of their UTF-8
 * bytes: Parquet's order for UTF-8 strings, and the order our writers and join dictionaries sort by
 * comparing bytes. It is not {@link String#compareTo}, which compares UTF-16 code units and puts a
 * supplementary character (a surrogate pair, 0xD800 to 0xDFFF) before U+E000 to U+FFFF. 64-bit keys
 * compare as signed integers.
 */
public final class KeyOrder {
  /** String keys in code point (UTF-8 byte) order. */
  public static final Comparator<String> STRINGS = KeyOrder::compareStrings;

  private static final Comparator<String> INT64_TEXT = Comparator.comparingLong(Long::parseLong);

  private KeyOrder() {}

  /** Keys of {@code keyType} written as text (the catalog's key bounds), in key order. */
  public static Comparator<String> ofText(KeyType keyType) {
    return switch (keyType) {
      case STRING -> STRINGS;
      case INT64 -> INT64_TEXT;
    };
  }

  private static int compareStrings(String left, String right) {
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
