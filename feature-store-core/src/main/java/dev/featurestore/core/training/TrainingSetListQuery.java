package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Which training sets a list shows, newest first (by creation time, then id, both descending):
 * those of a name, a status and an owner when given, starting after a position, at most {@code
 * limit}. The catalog filters and stops, so a page costs the same however many sets exist.
 *
 * @param ownerKeyId only the sets this key owns (a caller that may not see every key's sets)
 * @param after the position of the previous page's last set
 */
public record TrainingSetListQuery(
    Optional<String> name,
    Optional<TrainingSetStatus> status,
    Optional<UUID> ownerKeyId,
    Optional<Position> after,
    int limit) {
  public TrainingSetListQuery {
    requireNonNull(name, "name is null");
    requireNonNull(status, "status is null");
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(after, "after is null");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }

  /** The newest {@code limit} sets, whatever their name, status or owner. */
  public static TrainingSetListQuery newest(int limit) {
    return new TrainingSetListQuery(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit);
  }

  /** Whether {@code set} passes the filters and comes after the position, in list order. */
  public boolean matches(TrainingSetSummary set) {
    return name.map(set.name()::equals).orElse(true)
        && status.map(set.status()::equals).orElse(true)
        && ownerKeyId.map(owner -> set.ownerKeyId().equals(Optional.of(owner))).orElse(true)
        && after.map(position -> position.isBefore(set.position())).orElse(true);
  }

  /**
   * A set's place in the newest-first order.
   *
   * @param createdAt when it was created
   * @param id its id, which orders sets created in the same microsecond
   */
  public record Position(Instant createdAt, UUID id) {
    public Position {
      requireNonNull(createdAt, "createdAt is null");
      requireNonNull(id, "id is null");
    }

    /** Whether this position is listed before {@code other}, which comes later in the list. */
    public boolean isBefore(Position other) {
      int byTime = other.createdAt.compareTo(createdAt);
      return byTime != 0 ? byTime < 0 : compareIds(other.id, id) < 0;
    }

    /** Postgres orders uuids by their bytes, which is the order of their lower-case hex text. */
    private static int compareIds(UUID left, UUID right) {
      return left.toString().compareTo(right.toString());
    }
  }
}
