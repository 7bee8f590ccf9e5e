package dev.featurestore.api.ingest;

import dev.featurestore.storage.ingest.OrphanJanitor;
import dev.featurestore.storage.ingest.ReplacedFileRetention;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs the orphan janitor and the retention of replaced files every {@code
 * feature-store.orphan-sweep-interval}, first one interval after startup. A failed sweep is only
 * logged: the next one finds the same objects.
 */
@Component
class OrphanSweep {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);
  private static final String INTERVAL = "${feature-store.orphan-sweep-interval:PT10M}";

  private final OrphanJanitor janitor;
  private final ReplacedFileRetention retention;

  OrphanSweep(OrphanJanitor janitor, ReplacedFileRetention retention) {
    this.janitor = janitor;
    this.retention = retention;
  }

  @Scheduled(initialDelayString = INTERVAL, fixedDelayString = INTERVAL)
  void sweep() {
    try {
      janitor.sweep();
    } catch (IOException | RuntimeException e) {
      log.warn("Orphan sweep failed; the next sweep tries again", e);
    }
    try {
      retention.expire();
    } catch (IOException | RuntimeException e) {
      log.warn("Expiring replaced files failed; the next sweep tries again", e);
    }
  }
}
