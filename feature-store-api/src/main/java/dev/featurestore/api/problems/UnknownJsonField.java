package dev.featurestore.api.problems;

import dev.featurestore.core.InvalidInputException;
import java.util.Collection;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A request field the endpoint does not define is refused by name, never dropped: a typo such as
 * {@code "onlne":true} would otherwise be accepted and do nothing. Request records are checked by
 * the mapper ({@code spring.jackson.deserialization.fail-on-unknown-properties}); requests read as
 * trees call {@link #check}.
 */
public final class UnknownJsonField {
  private UnknownJsonField() {}

  /** The message for an unknown field, listing those its object takes. */
  public static String message(Collection<String> known) {
    return "is not a field of this request"
        + (known.isEmpty() ? "" : "; its fields are " + String.join(", ", known));
  }

  /**
   * Refuses the first property of {@code object} outside {@code known}, naming it as {@code
   * path.property} (just {@code property} for an empty path, the body).
   */
  public static void check(JsonNode object, String path, Collection<String> known) {
    for (Map.Entry<String, JsonNode> property : object.properties()) {
      if (!known.contains(property.getKey())) {
        throw new InvalidInputException(
            path.isEmpty() ? property.getKey() : path + "." + property.getKey(), message(known));
      }
    }
  }
}
