package dev.featurestore.api.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Compacts a group in the background once commits through this server have left its latest version
 * with {@code feature-store.compaction.small-files} small files, so that a stream of small commits
 * keeps reads fast without anyone calling {@code POST .../compactions}. One compaction runs at a
 * time; commits that arrive while a group waits add nothing to the queue.
 */
final class AutoCompaction implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(AutoCompaction.class);

  /** The principal the catalog records for these compactions. */
  static final String PRINCIPAL = "auto-compaction";

  private final FeatureGroupCompactor compactor;
  private final int smallFiles;
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "auto-compaction");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean running;

  /**
   * @param smallFiles how many small files a group's latest version may have before it is
   *     compacted; 0 turns automatic compaction off
   */
  AutoCompaction(FeatureGroupCompactor compactor, int smallFiles) {
    this.compactor = requireNonNull(compactor, "compactor is null");
    if (smallFiles < 0) {
      throw new IllegalArgumentException("smallFiles must be 0 (off) or more");
    }
    this.smallFiles = smallFiles;
  }

  @EventListener
  void onCommit(FeatureGroupCommitted committed) {
    String group = committed.featureGroup();
    if (running && smallFiles > 0 && waiting.add(group)) {
      worker.execute(
          () -> {
            waiting.remove(group);
            compactQuietly(group);
          });
    }
  }

  private void compactQuietly(String group) {
    try {
      compactor
          .compactIfAtLeast(group, smallFiles, PRINCIPAL)
          .ifPresent(
              commit ->
                  log.info(
                      "Compacted '{}' as commit {} ({} rows)",
                      group,
                      commit.sequence(),
                      commit.rows()));
    } catch (ConflictException | NotFoundException e) {
      // Another replica compacted first, or an erasure changed the files: the next commit retries.
      log.info("Compaction of '{}' skipped: {}", group, e.getMessage());
    } catch (IOException | RuntimeException e) {
      log.warn("Compaction of '{}' failed; the next commit retries", group, e);
    }
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    worker.shutdownNow();
    try {
      worker.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
