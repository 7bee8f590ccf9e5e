package dev.featurestore.storage.catalog;

/**
 * The catalog database could not be reached or asked for a retry (see {@link Transactions}); the
 * operation committed nothing. Answered 503.
 */
public class CatalogUnavailableException extends RuntimeException {
  public CatalogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
