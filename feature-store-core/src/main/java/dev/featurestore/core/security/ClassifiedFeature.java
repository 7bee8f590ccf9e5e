package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.FeatureGroup;
import java.util.List;

/** A feature a read would return values of, with the class that decides who may read them. */
public record ClassifiedFeature(
    String featureGroup, String feature, Classification classification) {
  public ClassifiedFeature {
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(feature, "feature is null");
    requireNonNull(classification, "classification is null");
  }

  /** Every feature of {@code group}: what a read of its whole rows returns. */
  public static List<ClassifiedFeature> allOf(FeatureGroup group) {
    return group.features().stream()
        .map(
            feature ->
                new ClassifiedFeature(
                    group.name(), feature.name(), group.classificationOf(feature)))
        .toList();
  }

  /** {@code group:feature (CLASS)}, as refusals and audit entries name it. */
  @Override
  public String toString() {
    return featureGroup + ":" + feature + " (" + classification + ")";
  }
}
