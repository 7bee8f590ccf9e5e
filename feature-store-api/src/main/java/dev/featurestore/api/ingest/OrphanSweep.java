package dev.featurestore.api.ingest;

import dev.featurestore.storage.ingest.OrphanJanitor;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the orphan janitor every {@code feature-store.orphan-sweep-interval}, first one interval
 * after startup. A failed sweep is only logged: the next one finds the same orphans.
 */
@Component
class OrphanSweep {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);
  private static final String INTERVAL = "${feature-store.orphan-sweep-interval:PT10M}";

  private final OrphanJanitor janitor;

  OrphanSweep(OrphanJanitor janitor) {
    this.janitor = janitor;
  }

  @Scheduled(initialDelayString = INTERVAL, fixedDelayString = INTERVAL)
  void sweep() {
    try {
      janitor.sweep();
    } catch (IOException | RuntimeException e) {
      log.warn("Orphan sweep failed; the next sweep tries again", e);
    }
  }
}
