package dev.featurestore.core.training;

/**
 * Where a training set is in its life: PENDING, RUNNING, then READY or FAILED; a READY set whose
 * request asked for a retention becomes EXPIRED once it ran out (its output is deleted).
 */
public enum TrainingSetStatus {
  PENDING,
  RUNNING,
  READY,
  FAILED,
  EXPIRED
}
