package dev.featurestore.testing;

/**
 * The feature value types the generators produce, named like the core's {@code FeatureType} so
 * tests can map one to the other by name. Java values: Boolean, Integer, Long, Float, Double,
 * String, byte[], Long (microseconds since the epoch, UTC) and float[] of {@link
 * #VECTOR_DIMENSION}.
 */
public enum GeneratedValueType {
  BOOL,
  INT32,
  INT64,
  FLOAT32,
  FLOAT64,
  STRING,
  BYTES,
  TIMESTAMP,
  FLOAT32_VECTOR;

  public static final int VECTOR_DIMENSION = 3;
}
