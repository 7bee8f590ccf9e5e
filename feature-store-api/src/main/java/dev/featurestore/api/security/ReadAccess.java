package dev.featurestore.api.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.ingest.FeatureGroupDefined;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.FeatureClassifications;
import dev.featurestore.core.security.Grants;
import dev.featurestore.core.security.ReadNotGrantedException;
import dev.featurestore.core.security.ReadPermissions;
import dev.featurestore.core.security.ReadScope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * Who may read which classes of feature values, as every read path asks it (docs/security.md,
 * "Classification and grants"). Offline reads (training-set builds and downloads) decide from the
 * grants as the catalog holds them at that moment. Online lookups must not wait for the catalog, so
 * they decide from a {@link Snapshot} held in memory: every group's feature classifications and the
 * grants, with each key's readable classes worked out once and kept. A snapshot is replaced, never
 * changed: at once when a grant or classification changes through this server, when another
 * server's change is heard (the {@code read_access_changes} notification), and every {@link
 * #POLL_INTERVAL} in case a notification is lost.
 */
public final class ReadAccess implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ReadAccess.class);

  /** How stale an online decision can be at most when a change notification is lost. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(30);

  private final Grants grants;
  private final FeatureClassifications classifications;
  private final ScheduledExecutorService poll =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("read-access-poll").daemon().factory());
  private final ExecutorService reloads =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("read-access-reload").daemon().factory());
  private final AtomicBoolean reloadQueued = new AtomicBoolean();
  private volatile Snapshot current;
  private volatile boolean running;

  public ReadAccess(Grants grants, FeatureClassifications classifications) {
    this.grants = requireNonNull(grants, "grants is null");
    this.classifications = requireNonNull(classifications, "classifications is null");
  }

  /**
   * What online lookups decide from: each group's features' classifications and the grants, as of
   * one moment.
   */
  public static final class Snapshot {
    private final ReadPermissions permissions;
    private final Map<String, Map<String, Classification>> classifications;
    private final Map<UUID, Set<Classification>> onlineReadable = new ConcurrentHashMap<>();

    Snapshot(
        ReadPermissions permissions, Map<String, Map<String, Classification>> classifications) {
      this.permissions = permissions;
      this.classifications = classifications;
    }

    /** The classes {@code reader} may read online, worked out once per key and snapshot. */
    public Set<Classification> readableOnline(ApiKey reader) {
      return onlineReadable.computeIfAbsent(
          reader.id(), id -> permissions.readable(reader, ReadScope.ONLINE));
    }

    /**
     * A feature with its classification; a group or feature this snapshot does not know yet (just
     * created elsewhere) counts as needing a grant until the next snapshot says otherwise.
     */
    public ClassifiedFeature classified(String group, String feature) {
      Classification classification =
          classifications.getOrDefault(group, Map.of()).getOrDefault(feature, UNKNOWN);
      return new ClassifiedFeature(group, feature, classification);
    }

    public ReadPermissions permissions() {
      return permissions;
    }
  }

  /** What a feature the snapshot does not know is taken to be: refused without a grant. */
  private static final Classification UNKNOWN = Classification.SENSITIVE;

  /** The snapshot online lookups decide from now. */
  public Snapshot current() {
    Snapshot snapshot = current;
    if (snapshot == null) {
      throw new IllegalStateException("read access is not loaded yet");
    }
    return snapshot;
  }

  /** The grants in force now, read from the catalog: for offline reads, which are not hot. */
  private ReadPermissions permissionsNow() {
    return new ReadPermissions(grants.list());
  }

  /**
   * Refuses (403, {@link ReadNotGrantedException}) an offline read (a training-set build or
   * download, a preview of stored rows) of features whose class {@code reader} holds no OFFLINE
   * grant for, as the grants are now.
   *
   * @return the features read whose class needs a grant: the read is to be audited when any
   */
  public List<ClassifiedFeature> requireReadableOffline(
      ApiKey reader, List<ClassifiedFeature> features) {
    permissionsNow().requireReadable(reader, ReadScope.OFFLINE, features);
    return features.stream().filter(feature -> feature.classification().needsGrant()).toList();
  }

  /**
   * Reads grants and classifications afresh and serves them from now on; returns once they serve,
   * so that the change a caller just made through this server decides its next lookup.
   */
  public void reload() {
    current = new Snapshot(permissionsNow(), classifications.all());
  }

  /** A group was created or changed through this server: its classification may have changed. */
  @EventListener
  void onDefinition(FeatureGroupDefined defined) {
    reload();
  }

  /**
   * Another server changed a grant or a classification (or this server's listener reconnected):
   * reloads on this class's own thread, so that the listener goes on reading notifications.
   */
  public void changed() {
    if (running && reloadQueued.compareAndSet(false, true)) {
      reloads.execute(
          () -> {
            reloadQueued.set(false);
            reloadSurvivingFailures();
          });
    }
  }

  private void reloadSurvivingFailures() {
    try {
      reload();
    } catch (RuntimeException e) {
      // The last snapshot keeps serving; the next poll or notification tries again.
      log.warn("Cannot reload grants and classifications; online lookups decide from the last", e);
    }
  }

  @Override
  public void start() {
    reload();
    running = true;
    poll.scheduleWithFixedDelay(
        this::changed, POLL_INTERVAL.toMillis(), POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    running = false;
    poll.shutdownNow();
    reloads.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Loaded before the web servers (Boot starts them at DEFAULT_PHASE - 1024) take requests. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 2048;
  }
}
