package dev.featurestore.core.catalog;

/**
 * The catalog database could not be reached or asked for a retry (the catalog adapter's
 * transactions); the operation committed nothing. Answered 503.
 */
public class CatalogUnavailableException extends RuntimeException {
  public CatalogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
