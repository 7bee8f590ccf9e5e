package dev.featurestore.core.read;

import dev.featurestore.core.model.FeatureGroup;

/** Reads feature groups' stored rows as the catalog held them at a version (a commit sequence). */
public interface FeatureGroupVersions {
  /** The group as of {@code sequence}: the same files, whatever is committed later. */
  FeatureGroupVersion at(FeatureGroup group, long sequence);
}
