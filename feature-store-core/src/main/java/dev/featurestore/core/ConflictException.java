package dev.featurestore.core;

/**
 * The request clashes with the current state (a name already taken, a commit that lost a race).
 * Maps to HTTP 409; a losing commit may be retried from fresh state.
 */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
