package dev.featurestore.testing;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A feature group for the reference join: the entity its keys belong to, its TTL in microseconds
 * (zero means unlimited), the commit it is read as of, and its stored rows in any order.
 */
public record ReferenceFeatureGroup(
    String entityName, long ttlMicros, long asOfCommitSequence, List<ReferenceFeatureRow> rows) {
  public ReferenceFeatureGroup {
    requireNonNull(entityName, "entityName is null");
    if (ttlMicros < 0) {
      throw new IllegalArgumentException("ttlMicros must not be negative");
    }
    rows = List.copyOf(rows);
  }
}
