package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/** One data file a training set read, with the content hash it had then. */
public record TrainingSetInput(String featureGroup, UUID dataFileId, String contentHash) {
  public TrainingSetInput {
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(dataFileId, "dataFileId is null");
    requireNonNull(contentHash, "contentHash is null");
  }
}
