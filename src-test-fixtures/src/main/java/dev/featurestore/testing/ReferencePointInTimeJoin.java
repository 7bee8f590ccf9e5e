package dev.featurestore.testing;

import java.util.ArrayList;
import java.util.Collections;
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
      joined.add(joinedRow(spineRow, groups));
    }
    return joined;
  }

  /**
   * The join under a consent requirement, in spine order: a spine row with consent is answered as
   * without one; a row without is left out ({@code EXCLUDE}) or has no winner in any group ({@code
   * NULL_FEATURES}).
   */
  public static List<ReferenceJoinedRow> join(
      List<ReferenceSpineRow> spine, List<ReferenceFeatureGroup> groups, ReferenceConsent consent) {
    List<ReferenceJoinedRow> joined = new ArrayList<>(spine.size());
    for (ReferenceSpineRow spineRow : spine) {
      if (hasConsent(spineRow, consent)) {
        joined.add(joinedRow(spineRow, groups));
      } else if (consent.policy() == ReferenceConsent.Policy.NULL_FEATURES) {
        joined.add(
            new ReferenceJoinedRow(spineRow, Collections.nCopies(groups.size(), Optional.empty())));
      }
    }
    return joined;
  }

  /**
   * Whether, for every consent group, the latest event of the spine row's key for the purpose at or
   * before the spine time (the feature join's candidates and winner rule, its TTL and version) has
   * {@code granted} true. No such event, a null or false {@code granted}: no consent.
   */
  public static boolean hasConsent(ReferenceSpineRow spineRow, ReferenceConsent consent) {
    for (ReferenceFeatureGroup group : consent.groups()) {
      List<ReferenceFeatureRow> ofPurpose = new ArrayList<>();
      for (ReferenceFeatureRow row : group.rows()) {
        if (consent.purpose().equals(row.values().get(0))) {
          ofPurpose.add(row);
        }
      }
      Optional<ReferenceFeatureRow> latest =
          winner(
              spineRow,
              new ReferenceFeatureGroup(
                  group.entityName(), group.ttlMicros(), group.asOfCommitSequence(), ofPurpose));
      if (latest.isEmpty() || !Boolean.TRUE.equals(latest.get().values().get(1))) {
        return false;
      }
    }
    return true;
  }

  private static ReferenceJoinedRow joinedRow(
      ReferenceSpineRow spineRow, List<ReferenceFeatureGroup> groups) {
    List<Optional<ReferenceFeatureRow>> winners = new ArrayList<>(groups.size());
    for (ReferenceFeatureGroup group : groups) {
      winners.add(winner(spineRow, group));
    }
    return new ReferenceJoinedRow(spineRow, winners);
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
