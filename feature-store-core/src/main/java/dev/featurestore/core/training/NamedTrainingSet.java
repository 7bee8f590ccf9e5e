package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** A training set as lineage names it: its name and, once its output expired, when. */
public record NamedTrainingSet(String name, Optional<Instant> expiredAt) {
  public NamedTrainingSet {
    requireNonNull(name, "name is null");
    requireNonNull(expiredAt, "expiredAt is null");
  }
}
