package dev.featurestore.core;

/**
 * An upload decodes to more than a configured limit allows (bytes or rows); nothing was written.
 * Maps to HTTP 413.
 */
public class UploadTooLargeException extends RuntimeException {
  public UploadTooLargeException(String message) {
    super(message);
  }
}
