package dev.featurestore.core.join;

/**
 * What one join cost beyond its memory budget, for the caller to report (core has no metrics
 * library).
 *
 * @param spilledBytes bytes of the Arrow IPC files the join wrote to its spill directory: 0 when
 *     the join fit in memory, the stored rows' and the joined values' partitions otherwise
 */
public record JoinStatistics(long spilledBytes) {
  public JoinStatistics {
    if (spilledBytes < 0) {
      throw new IllegalArgumentException("spilledBytes must not be negative");
    }
  }
}
