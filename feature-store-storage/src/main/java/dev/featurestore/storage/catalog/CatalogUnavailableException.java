package dev.featurestore.storage.catalog;

/** The catalog database failed or could not be reached; the operation wrote nothing. */
public class CatalogUnavailableException extends RuntimeException {
  public CatalogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
