package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.Optional;

/**
 * An inclusive range of entity keys, in {@link KeyOrder}. The catalog keeps a file's range as the
 * text of its bounds ({@link #minText}, {@link #maxText}); {@link #ofText} reads it back.
 */
public sealed interface KeyRange {
  KeyType keyType();

  /** The first key, as the catalog keeps it: the string, or the integer in decimal. */
  String minText();

  /** The last key, as the catalog keeps it. */
  String maxText();

  /**
   * Whether the key that {@code keyText} spells lies in the range; an INT64 range holds no text
   * that spells no integer.
   */
  default boolean containsText(String keyText) {
    if (keyType() == KeyType.INT64 && !spellsInteger(keyText)) {
      return false;
    }
    Comparator<String> order = KeyOrder.ofText(keyType());
    return order.compare(minText(), keyText) <= 0 && order.compare(keyText, maxText()) <= 0;
  }

  static KeyRange ofStrings(String min, String max) {
    return new StringKeys(min, max);
  }

  static KeyRange ofLongs(long min, long max) {
    return new LongKeys(min, max);
  }

  /** The range of keys of {@code keyType} from the text of its bounds. */
  static KeyRange ofText(KeyType keyType, String min, String max) {
    return switch (keyType) {
      case STRING -> ofStrings(min, max);
      case INT64 -> ofLongs(Long.parseLong(min), Long.parseLong(max));
    };
  }

  /** Just the key {@code keyText} spells, if it spells a key of {@code keyType}. */
  static Optional<KeyRange> ofKeyText(KeyType keyType, String keyText) {
    if (keyType == KeyType.INT64 && !spellsInteger(keyText)) {
      return Optional.empty();
    }
    return Optional.of(ofText(keyType, keyText, keyText));
  }

  private static boolean spellsInteger(String text) {
    try {
      Long.parseLong(text);
      return true;
    } catch (NumberFormatException notANumber) {
      return false;
    }
  }

  /** String keys from {@code min} to {@code max}, both included. */
  record StringKeys(String min, String max) implements KeyRange {
    public StringKeys {
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      if (KeyOrder.STRINGS.compare(min, max) > 0) {
        throw new IllegalArgumentException("min " + min + " is after max " + max);
      }
    }

    @Override
    public KeyType keyType() {
      return KeyType.STRING;
    }

    @Override
    public String minText() {
      return min;
    }

    @Override
    public String maxText() {
      return max;
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

    @Override
    public String minText() {
      return Long.toString(min);
    }

    @Override
    public String maxText() {
      return Long.toString(max);
    }
  }
}
