package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.util.List;
import java.util.Optional;

/**
 * A kind of key; its name is also the key column's name in uploads, spines and online requests.
 * Description, owner and tags make it findable ({@link Stewardship}).
 */
public record Entity(
    String name, KeyType keyType, String description, String owner, List<String> tags) {
  public Entity {
    Names.requireValid("name", name);
    requireNonNull(keyType, "keyType is null");
    description = description == null ? "" : description;
    owner = Stewardship.owner("owner", owner);
    tags = Stewardship.tags("tags", tags);
  }

  /** An entity with no owner and no tags. */
  public Entity(String name, KeyType keyType, String description) {
    this(name, keyType, description, "", List.of());
  }

  /** This entity with another description, owner and tags; its key type never changes. */
  public Entity describedAs(String newDescription, String newOwner, List<String> newTags) {
    return new Entity(name, keyType, newDescription, newOwner, newTags);
  }

  /**
   * Why {@code key}, given as text (a path segment, an erasure request), cannot be a key of this
   * entity: an INT64 key must spell a 64-bit integer, a STRING key must not be empty.
   */
  public Optional<String> problemWithKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.of("must be a non-empty key");
    }
    if (keyType == KeyType.INT64) {
      try {
        Long.parseLong(key);
      } catch (NumberFormatException e) {
        return Optional.of("must be a 64-bit integer: entity '" + name + "' has INT64 keys");
      }
    }
    return Optional.empty();
  }

  /**
   * The one spelling of {@code key} (see {@link #canonicalKey}), refused with {@code field} when it
   * cannot be a key of this entity.
   */
  public String requireKey(String field, String key) {
    Optional<String> problem = problemWithKey(key);
    if (problem.isPresent()) {
      throw new InvalidInputException(field, problem.get());
    }
    return canonicalKey(key);
  }

  /**
   * The one spelling of a key that {@link #problemWithKey} accepts, as lineage and erasure store
   * it: "042" and "+42" are the INT64 key "42".
   */
  public String canonicalKey(String key) {
    return keyType == KeyType.INT64 ? Long.toString(Long.parseLong(key)) : key;
  }
}
