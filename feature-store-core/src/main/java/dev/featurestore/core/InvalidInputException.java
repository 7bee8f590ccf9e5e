package dev.featurestore.core;

import java.util.List;

/** The caller sent something we cannot accept; nothing was written. Maps to HTTP 400. */
public class InvalidInputException extends RuntimeException {
  private final List<FieldError> errors;

  public InvalidInputException(String field, String message) {
    this(List.of(new FieldError(field, message)));
  }

  public InvalidInputException(List<FieldError> errors) {
    super(describe(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an invalid input needs at least one field error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }

  private static String describe(List<FieldError> errors) {
    return errors.isEmpty()
        ? "invalid input"
        : errors.get(0).field() + ": " + errors.get(0).message();
  }
}
