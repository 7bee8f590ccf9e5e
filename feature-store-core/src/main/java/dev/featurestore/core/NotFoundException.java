package dev.featurestore.core;

/**
 * A named object (entity, feature group, commit, object-store key...) does not exist. Maps to HTTP
 * 404.
 */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
