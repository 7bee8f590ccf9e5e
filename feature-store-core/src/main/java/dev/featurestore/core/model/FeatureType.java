package dev.featurestore.core.model;

/** Value types a feature may have; {@link #FLOAT32_VECTOR} has a fixed dimension per feature. */
public enum FeatureType {
  BOOL,
  INT32,
  INT64,
  FLOAT32,
  FLOAT64,
  STRING,
  BYTES,
  TIMESTAMP,
  FLOAT32_VECTOR
}
