package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A feature group's definition at one schema version. Every stored row also has the entity's key
 * column and {@link #EVENT_TIME}; {@code ttl} of zero means unlimited. Description, owner and tags
 * make it findable ({@link Stewardship}); they are not part of the schema version, nor is the
 * classification, which holds for every feature that does not set its own. {@code maxAge} is how
 * long rows are kept after their event time (zero: for ever); older rows are removed by the
 * retention by age and never served online. {@code erasedKeys} says whether a commit holding an
 * erased key is refused or has those rows dropped.
 */
public record FeatureGroup(
    String name,
    Entity entity,
    List<FeatureDefinition> features,
    Duration ttl,
    boolean online,
    String description,
    int schemaVersion,
    String owner,
    List<String> tags,
    MaxAge maxAge,
    Classification classification,
    ErasedKeyPolicy erasedKeys) {
  public static final String EVENT_TIME = "event_time";

  public FeatureGroup {
    Names.requireValid("name", name);
    requireNonNull(entity, "entity is null");
    features = List.copyOf(features);
    requireNonNull(ttl, "ttl is null");
    if (ttl.isNegative()) {
      throw new InvalidInputException("ttl", "must not be negative");
    }
    EpochMicros.of("ttl", ttl);
    description = description == null ? "" : description;
    owner = Stewardship.owner("owner", owner);
    tags = Stewardship.tags("tags", tags);
    requireNonNull(maxAge, "maxAge is null");
    requireNonNull(classification, "classification is null");
    requireNonNull(erasedKeys, "erasedKeys is null");
    if (schemaVersion < 1) {
      throw new IllegalArgumentException("schemaVersion starts at 1");
    }
    Set<String> seen = new HashSet<>();
    seen.add(entity.name());
    seen.add(EVENT_TIME);
    for (int i = 0; i < features.size(); i++) {
      String featureName = features.get(i).name();
      if (!seen.add(featureName) || featureName.startsWith("_")) {
        throw new InvalidInputException(
            "features[" + i + "].name",
            "'" + featureName + "' clashes with another column of the group");
      }
    }
  }

  /** A group with no owner and no tags, whose rows are kept for ever. */
  public FeatureGroup(
      String name,
      Entity entity,
      List<FeatureDefinition> features,
      Duration ttl,
      boolean online,
      String description,
      int schemaVersion) {
    this(name, entity, features, ttl, online, description, schemaVersion, "", List.of());
  }

  /**
   * A group whose rows are kept for ever, of the default classification, that refuses commits
   * holding erased keys.
   */
  public FeatureGroup(
      String name,
      Entity entity,
      List<FeatureDefinition> features,
      Duration ttl,
      boolean online,
      String description,
      int schemaVersion,
      String owner,
      List<String> tags) {
    this(
        name,
        entity,
        features,
        ttl,
        online,
        description,
        schemaVersion,
        owner,
        tags,
        MaxAge.FOREVER,
        Classification.DEFAULT,
        ErasedKeyPolicy.REFUSE);
  }

  /** The next schema version: these features with {@code added} after them. */
  public FeatureGroup withFeaturesAdded(List<FeatureDefinition> added) {
    List<FeatureDefinition> evolved = new ArrayList<>(features);
    evolved.addAll(added);
    return new FeatureGroup(
        name,
        entity,
        evolved,
        ttl,
        online,
        description,
        schemaVersion + 1,
        owner,
        tags,
        maxAge,
        classification,
        erasedKeys);
  }

  public FeatureGroup withOnline(boolean newOnline) {
    return new FeatureGroup(
        name,
        entity,
        features,
        ttl,
        newOnline,
        description,
        schemaVersion,
        owner,
        tags,
        maxAge,
        classification,
        erasedKeys);
  }

  /**
   * The same schema version with another description, owner and tags, and the features named in
   * {@code featureDescriptions} described anew (the others keep theirs).
   */
  public FeatureGroup describedAs(
      String newDescription,
      String newOwner,
      List<String> newTags,
      Map<String, String> featureDescriptions) {
    List<FeatureDefinition> described =
        featuresChanged("featureDescriptions", featureDescriptions, FeatureDefinition::describedAs);
    return new FeatureGroup(
        name,
        entity,
        described,
        ttl,
        online,
        newDescription,
        schemaVersion,
        newOwner,
        newTags,
        maxAge,
        classification,
        erasedKeys);
  }

  public FeatureGroup withErasedKeys(ErasedKeyPolicy policy) {
    return new FeatureGroup(
        name,
        entity,
        features,
        ttl,
        online,
        description,
        schemaVersion,
        owner,
        tags,
        maxAge,
        classification,
        policy);
  }

  /** The same group with rows kept for {@code newMaxAge}. */
  public FeatureGroup withMaxAge(MaxAge newMaxAge) {
    return new FeatureGroup(
        name,
        entity,
        features,
        ttl,
        online,
        description,
        schemaVersion,
        owner,
        tags,
        newMaxAge,
        classification,
        erasedKeys);
  }

  /**
   * The event time before which rows are past the maximum age at {@code now}; empty when rows are
   * kept for ever.
   */
  public Optional<Instant> retainedFrom(Instant now) {
    return maxAge.retainedFrom(now);
  }

  /**
   * The same schema version classified anew: the group as {@code newClassification}, and the
   * features named in {@code featureClassifications} as it says (the others keep theirs).
   */
  public FeatureGroup classifiedAs(
      Classification newClassification, Map<String, Classification> featureClassifications) {
    requireNonNull(newClassification, "newClassification is null");
    List<FeatureDefinition> classified =
        featuresChanged(
            "featureClassifications", featureClassifications, FeatureDefinition::classifiedAs);
    return new FeatureGroup(
        name,
        entity,
        classified,
        ttl,
        online,
        description,
        schemaVersion,
        owner,
        tags,
        maxAge,
        newClassification,
        erasedKeys);
  }

  /**
   * This group's features with those named in {@code changes} changed by {@code change}, the others
   * as they are; a name that is not a feature of the group is refused as {@code field.<name>}.
   */
  private <T> List<FeatureDefinition> featuresChanged(
      String field,
      Map<String, T> changes,
      BiFunction<FeatureDefinition, T, FeatureDefinition> change) {
    for (String featureName : changes.keySet()) {
      if (feature(featureName).isEmpty()) {
        throw new InvalidInputException(
            field + "." + featureName, "group '" + name + "' has no feature '" + featureName + "'");
      }
    }
    List<FeatureDefinition> changed = new ArrayList<>();
    for (FeatureDefinition feature : features) {
      T value = changes.get(feature.name());
      changed.add(value == null ? feature : change.apply(feature, value));
    }
    return changed;
  }

  /** What a feature of this group is classified as: its own classification, else the group's. */
  public Classification classificationOf(FeatureDefinition feature) {
    return feature.classification().orElse(classification);
  }

  public Optional<FeatureDefinition> feature(String featureName) {
    return features.stream().filter(f -> f.name().equals(featureName)).findFirst();
  }

  /** TTL zero or absent means every earlier row is a candidate. */
  public boolean hasTtl() {
    return !ttl.isZero();
  }
}
