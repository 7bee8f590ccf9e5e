package dev.featurestore.core.objectstore;

import dev.featurestore.core.catalog.Catalog;
import java.io.IOException;

/** A server's local copies of objects, which it clears of copies the catalog no longer needs. */
public interface LocalObjectCache extends LocalObjectCopies {
  /**
   * Deletes every copy whose content no data file or training-set output of {@code catalog} has any
   * more (objects an erasure rewrote, possibly through another replica, or that expired).
   *
   * @return how many copies were deleted
   */
  int sweep(Catalog catalog) throws IOException;
}
