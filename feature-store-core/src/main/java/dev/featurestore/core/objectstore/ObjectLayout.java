package dev.featurestore.core.objectstore;

import java.util.UUID;

/**
 * Where each kind of object lives in the object store: the one definition of the key layout, which
 * the writers, the erasure's rewrites and the orphan janitor's sweep share (docs/architecture.md).
 */
public final class ObjectLayout {
  /** The objects of every feature group; the orphan janitor sweeps this prefix. */
  public static final String FEATURE_GROUPS = "feature-groups/";

  private static final String PARQUET = ".parquet";

  private ObjectLayout() {}

  /** The objects of one feature group. */
  public static String featureGroup(String groupName) {
    return FEATURE_GROUPS + groupName + "/";
  }

  /** A new data file of a feature group, under a name nobody used. */
  public static String newFeatureGroupFile(String groupName) {
    return featureGroup(groupName) + UUID.randomUUID() + PARQUET;
  }

  /** An uploaded spine, as uploaded. */
  public static String upload(UUID upload) {
    return "uploads/" + upload;
  }

  /** An uploaded spine rewritten without the keys an erasure removed. */
  public static String uploadAfterErasure(UUID upload, UUID erasure) {
    return upload(upload) + ".erasure-" + erasure + PARQUET;
  }

  /** A training set's output. */
  public static String trainingSetOutput(UUID trainingSet) {
    return "training-sets/" + trainingSet + PARQUET;
  }

  /** A training set's output rewritten without the keys an erasure removed. */
  public static String trainingSetOutputAfterErasure(UUID trainingSet, UUID erasure) {
    return "training-sets/" + trainingSet + "/erasure-" + erasure + PARQUET;
  }
}
