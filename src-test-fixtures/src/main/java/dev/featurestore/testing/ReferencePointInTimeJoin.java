package dev.featurestore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The point-in-time join written straight from {@code semantics.md}, one spine row and one group at
 * a time, with no index and no cleverness: the oracle the engine is compared with.
 */
public final class ReferencePointInTimeJoin {
  private ReferencePointInTimeJoin() {}

  /** One answer per spine row, in spine order, duplicates included. */
  public static List<ReferenceJoinedRow> join(
      List<ReferenceSpineRow> spine, List<ReferenceFeatureGroup> groups) {
    List<ReferenceJoinedRow> joined = new ArrayList<>(spine.size());
    for (ReferenceSpineRow spineRow : spine) {
      List<Optional<ReferenceFeatureRow>> winners = new ArrayList<>(groups.size());
      for (ReferenceFeatureGroup group : groups) {
        winners.add(winner(spineRow, group));
      }
      joined.add(new ReferenceJoinedRow(spineRow, winners));
    }
    return joined;
  }

  /** The winning row of {@code group} for {@code spineRow}, or empty when no row is a candidate. */
  public static Optional<ReferenceFeatureRow> winner(
      ReferenceSpineRow spineRow, ReferenceFeatureGroup group) {
    Object key = spineRow.key(group.entityName());
    ReferenceFeatureRow best = null;
    for (ReferenceFeatureRow row : group.rows()) {
      if (isCandidate(row, key, spineRow.spineTimeMicros(), group)
          && (best == null || beats(row, best))) {
        best = row;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean isCandidate(
      ReferenceFeatureRow row, Object key, long spineTimeMicros, ReferenceFeatureGroup group) {
    if (key == null || !key.equals(row.key())) {
      return false;
    }
    if (row.commitSequence() > group.asOfCommitSequence()) {
      return false;
    }
    if (row.eventTimeMicros() > spineTimeMicros) {
      return false;
    }
    boolean unlimited = group.ttlMicros() == 0;
    return unlimited || row.eventTimeMicros() >= spineTimeMicros - group.ttlMicros();
  }

  /** Greatest event time, then the later commit, then the later row in the upload. */
  private static boolean beats(ReferenceFeatureRow row, ReferenceFeatureRow best) {
    if (row.eventTimeMicros() != best.eventTimeMicros()) {
      return row.eventTimeMicros() > best.eventTimeMicros();
    }
    if (row.commitSequence() != best.commitSequence()) {
      return row.commitSequence() > best.commitSequence();
    }
    return row.rowOrdinal() > best.rowOrdinal();
  }
}
