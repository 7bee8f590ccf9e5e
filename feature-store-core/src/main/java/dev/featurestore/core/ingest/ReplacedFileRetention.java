package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.objectstore.LocalObjectCopies;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes the objects of files that a compaction replaced, or an erasure emptied, longer than the
 * retention ago. Until then the versions before the replacement read them; afterwards those
 * versions are expired ({@link Catalog#oldestReadableSequence}) and asking for one is an error.
 * Training sets built on them stay downloadable: their outputs are objects of their own.
 *
 * <p>Expiring a file is a change of catalog state of its own, committed before the object is
 * deleted: when it fails, or its outcome is unknown, the object stays (still referenced, or an
 * orphan the janitor deletes).
 */
public final class ReplacedFileRetention {
  private static final System.Logger log = System.getLogger(ReplacedFileRetention.class.getName());

  private final Catalog catalog;
  private final ObjectStore objects;
  private final LocalObjectCopies cache;
  private final Duration retention;
  private final Clock clock;

  public ReplacedFileRetention(
      Catalog catalog,
      ObjectStore objects,
      LocalObjectCopies cache,
      Duration retention,
      Clock clock) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.cache = requireNonNull(cache, "cache is null");
    this.retention = requireNonNull(retention, "retention is null");
    this.clock = requireNonNull(clock, "clock is null");
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative");
    }
  }

  /** Expires the files whose retention has passed and returns the keys of the deleted objects. */
  public List<String> expire() throws IOException {
    Instant replacedBefore = clock.instant().minus(retention);
    List<String> deleted = new ArrayList<>();
    for (DataFile file : catalog.replacedFilesToExpire(replacedBefore)) {
      // Marked first, so that no reader is bound to a version that reads the file once its object
      // may be gone; should the delete fail, the object is unreferenced and the orphan janitor
      // deletes it.
      if (catalog.expire(file.id())) {
        objects.delete(file.objectKey());
        cache.evict(file.contentHash());
        deleted.add(file.objectKey());
      }
    }
    if (!deleted.isEmpty()) {
      log.log(
          System.Logger.Level.INFO,
          "Deleted {0} files replaced before {1} (retention {2}), e.g. {3}",
          deleted.size(),
          replacedBefore,
          retention,
          deleted.get(0));
    }
    return deleted;
  }
}
