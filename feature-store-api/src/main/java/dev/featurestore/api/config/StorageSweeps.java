package dev.featurestore.api.config;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.ingest.OrphanJanitor;
import dev.featurestore.core.ingest.ReplacedFileRetention;
import dev.featurestore.core.objectstore.LocalObjectCache;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The periodic clean-ups of stored data, each first run one interval after startup. A failed pass
 * is only logged: the next one finds the same objects.
 */
@Component
class StorageSweeps {
  private static final Logger log = LoggerFactory.getLogger(StorageSweeps.class);
  private static final String OBJECTS_INTERVAL = "${feature-store.orphan-sweep-interval:PT10M}";
  private static final String CACHE_INTERVAL = "${feature-store.cache-sweep-interval:PT1M}";

  private final OrphanJanitor janitor;
  private final ReplacedFileRetention retention;
  private final LocalObjectCache cache;
  private final Catalog catalog;

  StorageSweeps(
      OrphanJanitor janitor,
      ReplacedFileRetention retention,
      LocalObjectCache cache,
      Catalog catalog) {
    this.janitor = janitor;
    this.retention = retention;
    this.cache = cache;
    this.catalog = catalog;
  }

  /**
   * Deletes orphaned objects (left by crashed writes), then replaced files past their retention.
   */
  @Scheduled(initialDelayString = OBJECTS_INTERVAL, fixedDelayString = OBJECTS_INTERVAL)
  void sweepObjects() {
    attempt("Orphan sweep", janitor::sweep);
    attempt("Expiring replaced files", retention::expire);
  }

  /**
   * Deletes this replica's cached copies of objects the catalog no longer references. An erasure
   * run by another replica deletes the objects and its own copies; this is how the erased rows
   * leave every other replica's disk too.
   */
  @Scheduled(initialDelayString = CACHE_INTERVAL, fixedDelayString = CACHE_INTERVAL)
  void sweepCache() {
    attempt(
        "Object cache sweep",
        () -> {
          int deleted = cache.sweep(catalog);
          if (deleted > 0) {
            log.info(
                "Deleted {} cached copies of objects the catalog no longer references", deleted);
          }
          return deleted;
        });
  }

  private interface Pass {
    Object run() throws IOException;
  }

  private static void attempt(String pass, Pass work) {
    try {
      work.run();
    } catch (IOException | RuntimeException e) {
      log.warn("{} failed; the next pass tries again", pass, e);
    }
  }
}
