package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/** The training set's output ran out of the retention its request asked for and was deleted. */
public final class ExpiredTrainingSetException extends RuntimeException {
  private final UUID trainingSet;
  private final Instant expiredAt;

  public ExpiredTrainingSetException(TrainingSet set) {
    super(
        "training set "
            + set.id()
            + " expired at "
            + set.retention().expiredAt().orElseThrow()
            + ": its request kept the output for "
            + set.retention().retention()
            + " after it was built, so the output was deleted; build it again to download it");
    this.trainingSet = requireNonNull(set.id(), "id is null");
    this.expiredAt = set.retention().expiredAt().orElseThrow();
  }

  public UUID trainingSet() {
    return trainingSet;
  }

  public Instant expiredAt() {
    return expiredAt;
  }
}
