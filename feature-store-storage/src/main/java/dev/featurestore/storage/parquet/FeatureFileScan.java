package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What to read from a feature file: which features (besides the key, event time and system columns,
 * which are always read), and optional key and event-time ranges used to skip whole row groups
 * whose statistics prove they hold no such row. Rows of the row groups read are returned
 * unfiltered; the caller applies the exact predicate.
 *
 * @param features feature names, in the order the batches should have them
 * @param batchRows the most rows per batch
 */
public record FeatureFileScan(
    List<String> features,
    Optional<KeyRange> keys,
    Optional<Instant> eventTimeFrom,
    Optional<Instant> eventTimeTo,
    int batchRows) {
  public static final int DEFAULT_BATCH_ROWS = 65_536;

  public FeatureFileScan {
    features = List.copyOf(features);
    requireNonNull(keys, "keys is null");
    requireNonNull(eventTimeFrom, "eventTimeFrom is null");
    requireNonNull(eventTimeTo, "eventTimeTo is null");
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be positive");
    }
  }

  public static FeatureFileScan allFeatures(FeatureGroup group) {
    return features(group.features().stream().map(FeatureDefinition::name).toList());
  }

  public static FeatureFileScan features(List<String> features) {
    return new FeatureFileScan(
        features, Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_BATCH_ROWS);
  }

  /** Skips row groups with no key in {@code range}. */
  public FeatureFileScan withKeys(KeyRange range) {
    return new FeatureFileScan(features, Optional.of(range), eventTimeFrom, eventTimeTo, batchRows);
  }

  /** Skips row groups with no event time from {@code from} to {@code to}, both included. */
  public FeatureFileScan withEventTimesBetween(Instant from, Instant to) {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from is after to");
    }
    return new FeatureFileScan(features, keys, Optional.of(from), Optional.of(to), batchRows);
  }

  public FeatureFileScan withBatchRows(int rows) {
    return new FeatureFileScan(features, keys, eventTimeFrom, eventTimeTo, rows);
  }
}
