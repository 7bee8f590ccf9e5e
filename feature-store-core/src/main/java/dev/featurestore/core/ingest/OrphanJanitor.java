package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes feature-group objects that no commit references once they are older than the grace
 * period: files of uploads that failed in a way that skipped their own cleanup, above all a process
 * killed between writing its files and committing them. It also deletes what puts cut off by such a
 * kill left in the store (a local disk's temporary files), which no listing shows.
 *
 * <p>The grace period must exceed the longest time an upload may take from writing its first file
 * to committing, because until the commit an in-flight upload's files look exactly like orphans.
 */
public final class OrphanJanitor {
  private static final System.Logger log = System.getLogger(OrphanJanitor.class.getName());

  private final Catalog catalog;
  private final ObjectStore objects;
  private final Duration gracePeriod;
  private final Clock clock;

  public OrphanJanitor(Catalog catalog, ObjectStore objects, Duration gracePeriod, Clock clock) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.gracePeriod = requireNonNull(gracePeriod, "gracePeriod is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (gracePeriod.isNegative()) {
      throw new IllegalArgumentException("gracePeriod must not be negative");
    }
  }

  /** Deletes the orphans found now and returns their keys (abandoned puts have none). */
  public List<String> sweep() throws IOException {
    Instant lastModifiedBefore = clock.instant().minus(gracePeriod);
    List<String> deleted = new ArrayList<>();
    for (StoredObject object : objects.list(ObjectLayout.FEATURE_GROUPS)) {
      if (object.lastModified().isBefore(lastModifiedBefore)
          && !catalog.referencesObject(object.key())) {
        objects.delete(object.key());
        deleted.add(object.key());
      }
    }
    if (!deleted.isEmpty()) {
      log.log(
          System.Logger.Level.INFO,
          "Deleted {0} orphaned objects, e.g. {1}",
          deleted.size(),
          deleted.get(0));
    }
    int abandonedPuts = objects.deleteAbandonedPuts(lastModifiedBefore);
    if (abandonedPuts > 0) {
      log.log(
          System.Logger.Level.INFO,
          "Deleted the temporary files of {0} puts that never finished",
          abandonedPuts);
    }
    return deleted;
  }
}
