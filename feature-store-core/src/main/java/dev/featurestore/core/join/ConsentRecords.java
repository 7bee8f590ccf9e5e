package dev.featurestore.core.join;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import java.util.Optional;

/**
 * One entity's consent events: a feature group named {@link #groupNameOf} its entity, whose rows
 * are {@code (key, event_time = when the consent took effect, purpose, granted)}, read as of a
 * commit like any group. Consent is data: it is committed, versioned and read as of a catalog
 * version exactly as features are.
 */
public record ConsentRecords(
    FeatureGroup group, long asOfCommitSequence, StoredRowSource storedRows) {
  public static final String PURPOSE = "purpose";
  public static final String GRANTED = "granted";
  private static final String GROUP_SUFFIX = "_consent";

  public ConsentRecords {
    requireNonNull(group, "group is null");
    requireNonNull(storedRows, "storedRows is null");
    requireShape("consent", group);
    if (asOfCommitSequence < 0) {
      throw new InvalidInputException("asOfCommitSequence", "must not be negative");
    }
  }

  /**
   * The name of the group that holds an entity's consent events: {@code <entity>_consent}. An
   * entity whose name is too long for the suffix cannot have one.
   */
  public static String groupNameOf(Entity entity) {
    return entity.name() + GROUP_SUFFIX;
  }

  /**
   * Refuses, naming {@code field}, a consent group without a STRING feature {@code purpose} and a
   * BOOL feature {@code granted}.
   */
  public static void requireShape(String field, FeatureGroup group) {
    if (!hasFeature(group, PURPOSE, FeatureType.STRING)
        || !hasFeature(group, GRANTED, FeatureType.BOOL)) {
      throw new InvalidInputException(
          field,
          "the consent group '"
              + group.name()
              + "' needs the features "
              + PURPOSE
              + " (STRING) and "
              + GRANTED
              + " (BOOL)");
    }
  }

  private static boolean hasFeature(FeatureGroup group, String name, FeatureType type) {
    Optional<FeatureDefinition> feature = group.feature(name);
    return feature.isPresent() && feature.get().type() == type;
  }
}
