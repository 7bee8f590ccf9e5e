package dev.featurestore.core.join;

import dev.featurestore.core.model.Names;

/** A requested feature of a group and the name of its output column. */
public record FeatureSelection(String featureName, String outputColumn) {
  public FeatureSelection {
    Names.requireValid("featureName", featureName);
    // Aliases follow the naming rule too, and may use the `group__feature` form.
    Names.requireValid("outputColumn", outputColumn);
  }

  /** The feature under its own name. */
  public static FeatureSelection of(String featureName) {
    return new FeatureSelection(featureName, featureName);
  }
}
