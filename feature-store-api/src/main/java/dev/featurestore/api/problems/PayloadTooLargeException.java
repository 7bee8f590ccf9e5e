package dev.featurestore.api.problems;

/** A request body exceeded a configured limit; nothing was written. Maps to HTTP 413. */
public class PayloadTooLargeException extends RuntimeException {
  public PayloadTooLargeException(String message) {
    super(message);
  }
}
