package dev.featurestore.core.model;

import dev.featurestore.core.InvalidInputException;
import java.util.regex.Pattern;

/** The one naming rule for entities, feature groups, features, training sets and models. */
public final class Names {
  private static final Pattern VALID_NAME = Pattern.compile("^[a-z][a-z0-9_]{0,62}$");

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
}
