package dev.featurestore.testing;

/** Key types the generators produce, named like the core's {@code KeyType}. */
public enum GeneratedKeyType {
  STRING,
  INT64;

  /**
   * The key with this index: distinct indexes give distinct keys, negative and non-ASCII ones too.
   */
  public Object key(int index) {
    return switch (this) {
      case INT64 -> (index % 2 == 0 ? 1L : -1L) * index * 1_000_003L;
      case STRING -> (index % 3 == 0 ? "clé-" : "key-") + index;
    };
  }
}
