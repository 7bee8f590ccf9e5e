package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.NameSuggestions;
import java.util.List;

/**
 * One group of a join: its definition, the commit it is read as of (rows of later commits are
 * invisible), the features wanted in output order, and its stored rows.
 */
public record FeatureGroupRequest(
    FeatureGroup group,
    long asOfCommitSequence,
    List<FeatureSelection> features,
    StoredRowSource storedRows) {
  public FeatureGroupRequest {
    requireNonNull(group, "group is null");
    features = List.copyOf(features);
    requireNonNull(storedRows, "storedRows is null");
    if (asOfCommitSequence < 0) {
      throw new InvalidInputException("asOfCommitSequence", "must not be negative");
    }
    for (int i = 0; i < features.size(); i++) {
      if (group.feature(features.get(i).featureName()).isEmpty()) {
        throw new InvalidInputException(
            "features[" + i + "]",
            NameSuggestions.unknownFeature(group, features.get(i).featureName()));
      }
    }
  }
}
