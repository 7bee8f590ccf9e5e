package dev.featurestore.api.ingest;

import dev.featurestore.core.model.KeyType;
import java.util.Comparator;

/** Orders keys kept as text in file stats: numerically for INT64 entities, by text otherwise. */
final class KeyOrder {
  private final Comparator<String> comparator;

  KeyOrder(KeyType keyType) {
    this.comparator =
        keyType == KeyType.INT64
            ? Comparator.comparingLong(Long::parseLong)
            : Comparator.naturalOrder();
  }

  String min(String current, String candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || comparator.compare(candidate, current) < 0 ? candidate : current;
  }

  String max(String current, String candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || comparator.compare(candidate, current) > 0 ? candidate : current;
  }
}
