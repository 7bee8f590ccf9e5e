package dev.featurestore.core.security;

import dev.featurestore.core.model.Classification;
import java.util.Map;

/** Every feature's classification at once, for deciding online reads without a catalog call. */
public interface FeatureClassifications {
  /**
   * Group name to feature name to the feature's classification (its own, else its group's), for the
   * current schema version of every group.
   */
  Map<String, Map<String, Classification>> all();
}
