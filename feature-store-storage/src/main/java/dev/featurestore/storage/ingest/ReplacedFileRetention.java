package dev.featurestore.storage.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.read.ObjectCache;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the objects of files that a compaction replaced, or an erasure emptied, longer than the
 * retention ago. Until then the versions before the replacement read them; afterwards those
 * versions are expired ({@link Catalog#oldestReadableSequence}) and asking for one is an error.
 * Training sets built on them stay downloadable: their outputs are objects of their own.
 */
public final class ReplacedFileRetention {
  private static final Logger log = LoggerFactory.getLogger(ReplacedFileRetention.class);

  private final Catalog catalog;
  private final ObjectStore objects;
  private final ObjectCache cache;
  private final Duration retention;
  private final Clock clock;

  public ReplacedFileRetention(
      Catalog catalog, ObjectStore objects, ObjectCache cache, Duration retention, Clock clock) {
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
      log.info(
          "Deleted {} files replaced before {} (retention {}), e.g. {}",
          deleted.size(),
          replacedBefore,
          retention,
          deleted.get(0));
    }
    return deleted;
  }
}
