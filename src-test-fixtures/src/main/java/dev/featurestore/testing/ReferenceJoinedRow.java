package dev.featurestore.testing;

import java.util.List;
import java.util.Optional;

/** The reference join's answer for one spine row: per requested group, the winning row, if any. */
public record ReferenceJoinedRow(
    ReferenceSpineRow spineRow, List<Optional<ReferenceFeatureRow>> winners) {
  public ReferenceJoinedRow {
    winners = List.copyOf(winners);
  }
}
