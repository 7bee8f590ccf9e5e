package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.MaxAge;
import java.time.Instant;
import java.util.Optional;

/**
 * How long a training set's output is kept after the set was built, as its request asked ({@link
 * MaxAge#FOREVER} when it did not), and where that stands: {@code expiresAt} once the set is READY
 * (built time plus the retention, in UTC calendar terms), {@code expiredAt} when it stopped being
 * downloadable, {@code outputDeletedAt} when its output object was deleted.
 */
public record OutputRetention(
    MaxAge retention,
    Optional<Instant> expiresAt,
    Optional<Instant> expiredAt,
    Optional<Instant> outputDeletedAt) {
  public OutputRetention {
    requireNonNull(retention, "retention is null");
    requireNonNull(expiresAt, "expiresAt is null");
    requireNonNull(expiredAt, "expiredAt is null");
    requireNonNull(outputDeletedAt, "outputDeletedAt is null");
  }

  /** A retention not yet running: the set is not READY yet, or keeps its output for ever. */
  public static OutputRetention of(MaxAge retention) {
    return new OutputRetention(retention, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
