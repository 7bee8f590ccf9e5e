package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.util.Optional;

/**
 * One typed feature column; {@code dimension} is set for vectors only, else 0. The description says
 * what the values mean; it is documentation, not schema, so it can change without a new version.
 * The classification, when set, overrides the group's for this feature (empty: the group's); like
 * the description it is not schema.
 */
public record FeatureDefinition(
    String name,
    FeatureType type,
    int dimension,
    String description,
    Optional<Classification> classification) {
  public static final int MAX_VECTOR_DIMENSION = 65_536;

  public FeatureDefinition {
    Names.requireValid("name", name);
    requireNonNull(type, "type is null");
    if (type == FeatureType.FLOAT32_VECTOR) {
      if (dimension < 1 || dimension > MAX_VECTOR_DIMENSION) {
        throw new InvalidInputException(
            "dimension", "a FLOAT32_VECTOR needs a dimension in 1.." + MAX_VECTOR_DIMENSION);
      }
    } else if (dimension != 0) {
      throw new InvalidInputException("dimension", "only FLOAT32_VECTOR features have a dimension");
    }
    description = description == null ? "" : description;
    requireNonNull(classification, "classification is null");
  }

  /** A feature classified as its group is. */
  public FeatureDefinition(String name, FeatureType type, int dimension, String description) {
    this(name, type, dimension, description, Optional.empty());
  }

  /** A feature with no description. */
  public FeatureDefinition(String name, FeatureType type, int dimension) {
    this(name, type, dimension, "");
  }

  public FeatureDefinition describedAs(String newDescription) {
    return new FeatureDefinition(name, type, dimension, newDescription, classification);
  }

  public FeatureDefinition classifiedAs(Classification newClassification) {
    return new FeatureDefinition(
        name, type, dimension, description, Optional.of(newClassification));
  }

  public static FeatureDefinition scalar(String name, FeatureType type) {
    return new FeatureDefinition(name, type, 0);
  }

  public static FeatureDefinition vector(String name, int dimension) {
    return new FeatureDefinition(name, FeatureType.FLOAT32_VECTOR, dimension);
  }
}
