package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;

/**
 * A place in the ranked hit list: hits come by rank (highest first), then kind, group and name, so
 * the next page starts after the last hit of the previous one, even when ranks tie.
 *
 * @param group the hit's group, empty for entities and groups
 */
public record SearchCursor(float rank, SearchHit.Kind kind, String group, String name) {
  public SearchCursor {
    requireNonNull(kind, "kind is null");
    requireNonNull(group, "group is null");
    requireNonNull(name, "name is null");
  }

  /** The cursor as text (names hold no spaces), read back by {@link #parse}. */
  public String text() {
    return rank + " " + kind + " " + group + " " + name;
  }

  /** Reads {@link #text()}; anything else is refused as a bad {@code pageToken}. */
  public static SearchCursor parse(String text) {
    String[] parts = text.split(" ", -1);
    try {
      if (parts.length == 4) {
        return new SearchCursor(
            Float.parseFloat(parts[0]), SearchHit.Kind.valueOf(parts[1]), parts[2], parts[3]);
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal below: the token was not one this server wrote
    }
    throw new InvalidInputException(
        "pageToken", "is not a search page token: pass the one from the previous page's Link");
  }
}
