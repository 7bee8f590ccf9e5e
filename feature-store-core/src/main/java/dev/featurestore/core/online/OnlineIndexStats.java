package dev.featurestore.core.online;

/**
 * What an index holds and costs.
 *
 * @param appliedSequence the latest commit whose rows the index has applied
 * @param keys keys with a row at or before the last update
 * @param pendingFutureRows rows whose event time was still in the future when applied
 * @param reservedBytes memory reserved from the budget, pages included
 * @param garbageBytes bytes of replaced variable-length values still held
 */
public record OnlineIndexStats(
    String featureGroup,
    long appliedSequence,
    int keys,
    int features,
    long pendingFutureRows,
    long reservedBytes,
    long garbageBytes) {

  /** Reserved bytes per key and feature; key storage and row versions are spread over features. */
  public double bytesPerKeyPerFeature() {
    return keys == 0 || features == 0 ? 0 : (double) reservedBytes / keys / features;
  }
}
