package dev.featurestore.api.config;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.storage.read.ObjectCache;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every {@code feature-store.cache-sweep-interval}, deletes this replica's cached copies of objects
 * the catalog no longer references. An erasure run by another replica deletes the objects and its
 * own copies; this is how the erased rows leave every other replica's disk too.
 */
@Component
class ObjectCacheSweep {
  private static final Logger log = LoggerFactory.getLogger(ObjectCacheSweep.class);
  private static final String INTERVAL = "${feature-store.cache-sweep-interval:PT1M}";

  private final ObjectCache cache;
  private final Catalog catalog;

  ObjectCacheSweep(ObjectCache cache, Catalog catalog) {
    this.cache = cache;
    this.catalog = catalog;
  }

  @Scheduled(initialDelayString = INTERVAL, fixedDelayString = INTERVAL)
  void sweep() {
    try {
      int deleted = cache.sweep(catalog);
      if (deleted > 0) {
        log.info("Deleted {} cached copies of objects the catalog no longer references", deleted);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Object cache sweep failed; the next sweep tries again", e);
    }
  }
}
