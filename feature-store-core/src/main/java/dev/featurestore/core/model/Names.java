package dev.featurestore.core.model;

import dev.featurestore.core.InvalidInputException;
import java.util.regex.Pattern;

/**
 * The one naming rule for entities, feature groups, features, training sets and models, and the
 * rule for model versions.
 */
public final class Names {
  private static final Pattern VALID_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

  /**
   * Versions such as {@code 3}, {@code 1.2.0-rc1} or a training set id: they appear in URL paths,
   * audit targets and log lines, so no blanks, quotes, slashes or control characters.
   */
  private static final Pattern VALID_VERSION =
      Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$");

  private Names() {}

  /**
   * Returns {@code name} when valid, else throws an {@link InvalidInputException} naming {@code
   * field}.
   */
  public static String requireValid(String field, String name) {
    if (name == null || !VALID_NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          field,
          "must match "
              + VALID_NAME.pattern()
              + " but was "
              + (name == null ? "null" : "'" + name + "'"));
    }
    return name;
  }

  /**
   * Returns {@code version} when valid, else throws an {@link InvalidInputException} naming {@code
   * field}; the refused value is not repeated, since it may hold anything.
   */
  public static String requireValidVersion(String field, String version) {
    if (version == null || !VALID_VERSION.matcher(version).matches()) {
      throw new InvalidInputException(field, "must match " + VALID_VERSION.pattern());
    }
    return version;
  }
}
