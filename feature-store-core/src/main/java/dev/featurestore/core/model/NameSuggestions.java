package dev.featurestore.core.model;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The messages for a feature group or feature that does not exist: they name the closest known name
 * ("did you mean") and, for a feature, the group's features, so that the caller can fix the request
 * without reading the catalog first.
 */
public final class NameSuggestions {
  /** Beyond this many edits a known name is another name, not a typo of the one given. */
  private static final int MAX_EDITS = 2;

  /** A given name at least this long that begins a known name is taken for that name. */
  private static final int MIN_PREFIX = 3;

  /** A group's features are listed up to this many; a wide group's list would drown the message. */
  private static final int MAX_LISTED_FEATURES = 20;

  private NameSuggestions() {}

  /** "feature group 'x' does not exist", with the closest of {@code known} when one is close. */
  public static String unknownGroup(String name, Collection<String> known) {
    return "feature group '" + name + "' does not exist" + didYouMean(name, known);
  }

  /** "feature group 'g' has no feature 'x'", the closest feature, and the group's features. */
  public static String unknownFeature(FeatureGroup group, String featureName) {
    List<String> names = group.features().stream().map(FeatureDefinition::name).toList();
    String listed =
        names.size() <= MAX_LISTED_FEATURES
            ? String.join(", ", names)
            : String.join(", ", names.subList(0, MAX_LISTED_FEATURES))
                + " and "
                + (names.size() - MAX_LISTED_FEATURES)
                + " more";
    return "feature group '"
        + group.name()
        + "' has no feature '"
        + featureName
        + "'"
        + didYouMean(featureName, names)
        + "; its features: "
        + listed;
  }

  /** "; did you mean 'y'?" for the closest known name within {@link #MAX_EDITS}, else "". */
  static String didYouMean(String name, Collection<String> known) {
    return closest(name, known).map(match -> "; did you mean '" + match + "'?").orElse("");
  }

  /** The known name fewest edits away (case aside), if it is close enough to be a typo. */
  static Optional<String> closest(String name, Collection<String> known) {
    String given = name.toLowerCase(Locale.ROOT);
    // A short name is a typo of another only if fewer edits than its length make them equal.
    int allowed = Math.min(MAX_EDITS, given.length() - 1);
    String best = null;
    int bestEdits = Integer.MAX_VALUE;
    for (String candidate : known) {
      String lowerCase = candidate.toLowerCase(Locale.ROOT);
      int edits = edits(given, lowerCase);
      // "clicks" for "clicks_7d": a name without its suffix is a typo however long the suffix.
      boolean prefix = given.length() >= MIN_PREFIX && lowerCase.startsWith(given);
      if ((edits <= allowed || prefix) && edits < bestEdits) {
        best = candidate;
        bestEdits = edits;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  private static int edits(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
