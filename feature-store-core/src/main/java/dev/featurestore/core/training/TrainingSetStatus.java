package dev.featurestore.core.training;

/** Where a training set is in its life. */
public enum TrainingSetStatus {
  PENDING,
  RUNNING,
  READY,
  FAILED
}
