package dev.featurestore.core.discovery;

import dev.featurestore.core.InvalidInputException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a caller searches the catalog for: words in the web-search syntax ({@code "exact phrase"},
 * {@code or}, {@code -excluded}), matched against names, descriptions, owners and tags.
 *
 * @param text the words, stripped; 1 to {@link #MAX_LENGTH} characters without control characters
 */
public record SearchQuery(String text) {
  public static final int MAX_LENGTH = 200;

  private static final Pattern NAME_PREFIX = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  public SearchQuery {
    text = text == null ? "" : text.strip();
    if (text.isEmpty()) {
      throw new InvalidInputException("q", "is required: the words to search for");
    }
    if (text.length() > MAX_LENGTH) {
      throw new InvalidInputException("q", "must be at most " + MAX_LENGTH + " characters");
    }
    if (text.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException("q", "must not hold control characters");
    }
  }

  /**
   * The query as the start of a name, when it could be one ({@code user_act} finds {@code
   * user_activity}): one word of the characters names have, lower-cased.
   */
  public Optional<String> namePrefix() {
    String lowered = text.toLowerCase(Locale.ROOT);
    return NAME_PREFIX.matcher(lowered).matches() ? Optional.of(lowered) : Optional.empty();
  }
}
