package dev.featurestore.api.online;

/**
 * A group is online but its index cannot answer: still loading, or refused by the memory budget.
 * Maps to HTTP 503; the detail says which.
 */
public class OnlineIndexUnavailableException extends RuntimeException {
  public OnlineIndexUnavailableException(String message) {
    super(message);
  }
}
