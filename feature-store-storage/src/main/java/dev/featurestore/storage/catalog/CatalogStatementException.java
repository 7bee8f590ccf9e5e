package dev.featurestore.storage.catalog;

/**
 * A catalog statement failed for a reason a retry will meet again (a bug, or a schema out of step
 * with the code); nothing was committed. Answered as an internal error.
 */
public class CatalogStatementException extends RuntimeException {
  public CatalogStatementException(String message, Throwable cause) {
    super(message, cause);
  }
}
