package dev.featurestore.core;

import static java.util.Objects.requireNonNull;

/**
 * One input field at fault and why; {@code field} is a JSON-pointer-like path such as {@code
 * rows[3].user_id}.
 */
public record FieldError(String field, String message) {
  public FieldError {
    requireNonNull(field, "field is null");
    requireNonNull(message, "message is null");
  }
}
