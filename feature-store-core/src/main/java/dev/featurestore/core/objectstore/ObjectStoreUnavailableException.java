package dev.featurestore.core.objectstore;

import java.io.IOException;

/**
 * The object store failed or could not be reached: a fault of the storage, not of the data, so a
 * retry may succeed. Adapters raise it for every failure of the store itself; an {@link
 * IOException} of another class comes from elsewhere (a local file, a parser).
 */
public class ObjectStoreUnavailableException extends IOException {
  public ObjectStoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public ObjectStoreUnavailableException(String message) {
    super(message);
  }
}
