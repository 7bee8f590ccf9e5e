package dev.featurestore.core.join;

/**
 * What one join cost beyond its memory budget, for the caller to report (core has no metrics
 * library), and what consent took from it.
 *
 * @param spilledBytes bytes of the Arrow IPC files the join wrote to its spill directory: 0 when
 *     the join fit in memory, the stored rows' and the joined values' partitions otherwise
 * @param rowsWithoutConsent spine rows whose key had no consent for the join's purpose: left out or
 *     kept without features, as its {@link ConsentPolicy} says; 0 when no purpose was named
 */
public record JoinStatistics(long spilledBytes, long rowsWithoutConsent) {
  public JoinStatistics {
    if (spilledBytes < 0) {
      throw new IllegalArgumentException("spilledBytes must not be negative");
    }
    if (rowsWithoutConsent < 0) {
      throw new IllegalArgumentException("rowsWithoutConsent must not be negative");
    }
  }
}
