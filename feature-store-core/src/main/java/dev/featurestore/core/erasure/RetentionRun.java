package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A run of the retention by age: removes the rows of {@code featureGroup} whose event time is
 * before {@code removedBefore}. It is recorded in the erasure ledger (its steps, counts and receipt
 * are an erasure's) under the id of the job that runs it.
 */
public record RetentionRun(String featureGroup, Instant removedBefore) {
  public RetentionRun {
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(removedBefore, "removedBefore is null");
  }
}
