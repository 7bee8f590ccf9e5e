package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.util.Optional;

/**
 * A requested feature, {@code group:feature} or {@code group:*} for all of a group's features, with
 * an optional output column name.
 */
public record FeatureReference(String group, String feature, Optional<String> alias) {
  public static final String ALL_FEATURES = "*";

  public FeatureReference {
    requireNonNull(group, "group is null");
    requireNonNull(feature, "feature is null");
    requireNonNull(alias, "alias is null");
  }

  /** Parses {@code group:feature}; {@code field} names the request field in errors. */
  public static FeatureReference parse(String field, String reference, Optional<String> alias) {
    if (reference == null) {
      throw new InvalidInputException(field, "is required, as group:feature");
    }
    int colon = reference.indexOf(':');
    if (colon <= 0 || colon == reference.length() - 1) {
      throw new InvalidInputException(
          field, "'" + reference + "' is not group:feature (or group:* for all features)");
    }
    FeatureReference parsed =
        new FeatureReference(reference.substring(0, colon), reference.substring(colon + 1), alias);
    if (parsed.isAllFeatures() && alias.isPresent()) {
      throw new InvalidInputException(field, "group:* cannot have an alias");
    }
    return parsed;
  }

  public boolean isAllFeatures() {
    return ALL_FEATURES.equals(feature);
  }
}
