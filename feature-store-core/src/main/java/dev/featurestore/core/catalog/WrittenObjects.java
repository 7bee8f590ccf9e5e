package dev.featurestore.core.catalog;

import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A change of catalog state that first writes objects, then commits them through the catalog, with
 * the three outcomes of {@link Catalog}: committed, it returns; failed, the objects written for it
 * are deleted (a failure to delete one is added to the failure as suppressed, and the orphan
 * janitor deletes what is left); unknown ({@link CommitStateUnknownException}), nothing is deleted,
 * since the catalog may reference the objects.
 */
public final class WrittenObjects {
  private WrittenObjects() {}

  /** Writes objects, noting each file in {@code written}, then commits them; returns the commit. */
  public interface Change<T> {
    T writeAndCommit(List<NewDataFile> written) throws IOException;
  }

  public static <T> T commitOrDelete(ObjectStore objects, Change<T> change) throws IOException {
    List<NewDataFile> written = new ArrayList<>();
    try {
      return change.writeAndCommit(written);
    } catch (CommitStateUnknownException e) {
      // The catalog may reference the objects now; if it does not, the orphan janitor deletes them.
      throw e;
    } catch (IOException | RuntimeException e) {
      for (NewDataFile file : written) {
        try {
          objects.delete(file.objectKey());
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }
}
