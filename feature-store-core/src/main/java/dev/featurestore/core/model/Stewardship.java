package dev.featurestore.core.model;

import dev.featurestore.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules for what makes an entity or feature group findable: its owner (a team or person, free
 * text) and its tags (short lowercase labels such as {@code pii}, {@code team:growth}).
 */
public final class Stewardship {
  public static final int MAX_TAGS = 32;
  public static final int MAX_OWNER_LENGTH = 200;

  private static final Pattern VALID_TAG = Pattern.compile("^[a-z0-9][a-z0-9_:.=-]{0,63}$");

  private Stewardship() {}

  /** The owner, trimmed, empty when none; refuses control characters and overlong owners. */
  public static String owner(String field, String owner) {
    if (owner == null) {
      return "";
    }
    String trimmed = owner.strip();
    if (trimmed.length() > MAX_OWNER_LENGTH) {
      throw new InvalidInputException(field, "must be at most " + MAX_OWNER_LENGTH + " characters");
    }
    if (trimmed.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidInputException(field, "must not hold control characters");
    }
    return trimmed;
  }

  /** The tags sorted without repeats; each must match {@link #VALID_TAG}. */
  public static List<String> tags(String field, List<String> tags) {
    if (tags == null) {
      return List.of();
    }
    if (tags.size() > MAX_TAGS) {
      throw new InvalidInputException(field, "must hold at most " + MAX_TAGS + " tags");
    }
    List<String> checked = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      if (tag == null || !VALID_TAG.matcher(tag).matches()) {
        throw new InvalidInputException(field + "[" + i + "]", "must match " + VALID_TAG.pattern());
      }
      checked.add(tag);
    }
    return List.copyOf(new TreeSet<>(checked));
  }
}
