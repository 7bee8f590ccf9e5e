package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One thing the catalog search found, with how well it matched.
 *
 * @param group the feature's group for a {@link Kind#FEATURE}, empty otherwise
 * @param owner the owner of the entity or group (of the feature's group for a feature)
 * @param tags the tags of the entity or group (of the feature's group for a feature)
 * @param rank higher is a better match: a name match ranks above an owner or tag match, which ranks
 *     above a description match
 */
public record SearchHit(
    Kind kind,
    String name,
    Optional<String> group,
    String description,
    String owner,
    List<String> tags,
    float rank) {
  public enum Kind {
    ENTITY,
    FEATURE_GROUP,
    FEATURE
  }

  public SearchHit {
    requireNonNull(kind, "kind is null");
    requireNonNull(name, "name is null");
    requireNonNull(group, "group is null");
    requireNonNull(description, "description is null");
    requireNonNull(owner, "owner is null");
    tags = List.copyOf(tags);
  }

  /** Where this hit stands in the ranked list, for the next page to start after it. */
  public SearchCursor cursor() {
    return new SearchCursor(rank, kind, group.orElse(""), name);
  }
}
