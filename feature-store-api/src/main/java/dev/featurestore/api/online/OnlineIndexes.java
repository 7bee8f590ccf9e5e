package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.api.erasure.TombstonesChanged;
import dev.featurestore.api.ingest.FeatureGroupCommitted;
import dev.featurestore.api.ingest.FeatureGroupDefined;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.GroupVersion;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineIndexSource;
import dev.featurestore.core.online.OnlineIndexStats;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.online.OnlineMemoryBudgetExceededException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;

/**
 * The latest-value indexes of every group marked online. They are built from the groups' files at
 * start, before the HTTP listeners open, and kept fresh by applying the files of new commits: at
 * once for commits made through this server; for commits made through other replicas, when the
 * catalog signals a change ({@link #catalogChanged}) and by polling it, which also covers a lost
 * signal. One thread makes every change, as {@link LatestValueIndex} requires.
 *
 * <p>A group whose index does not fit in the memory budget is refused: it stays refused (its
 * lookups answer 503 with the reason) until the server restarts with a larger budget, or the group
 * is marked not online and then online again.
 *
 * <p>The poll survives whatever a group's refresh throws, an {@link Error} such as {@link
 * OutOfMemoryError} included: an uncaught throwable would cancel the scheduled poll for good, and
 * the indexes would silently stop following the catalog (an erased key would stay online). The
 * failure is logged with the group and listed by {@link #failingGroups} (the health indicator shows
 * it) until a later poll refreshes the group. Only errors that say the JVM itself is broken ({@link
 * InternalError}, {@link UnknownError}) are let through, and the poll is then listed as stopped.
 */
public final class OnlineIndexes implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(OnlineIndexes.class);

  /** Before the web servers (Boot starts them at DEFAULT_PHASE - 1024) start to accept requests. */
  static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

  /** How long a change made through this server waits for the indexes before it is acknowledged. */
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);

  /** The key of {@link #failingGroups} for a failure of the poll outside any group. */
  public static final String POLL = "(poll)";

  /** What the last poll knew of a group, for answers about groups without an index. */
  enum GroupState {
    NOT_ONLINE,
    LOADING,
    REFUSED
  }

  private final Catalog catalog;
  private final OnlineIndexSource loader;
  private final OnlineMemoryBudget budget;
  private final BufferAllocator allocator;
  private final Clock clock;
  private final Duration pollInterval;
  private final OnlineIndexGauges gauges;
  private final OnlineTombstones tombstones;
  private final Map<String, LatestValueIndex> indexes = new ConcurrentHashMap<>();
  private final Map<String, String> refusals = new ConcurrentHashMap<>();
  private final Map<String, String> failingGroups = new ConcurrentHashMap<>();
  private volatile Map<String, Boolean> onlineByGroup = Map.of();
  private final ScheduledExecutorService updater =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "online-index-updater");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean pollQueued = new AtomicBoolean();
  private volatile boolean running;
  private boolean catalogFailing;

  public OnlineIndexes(
      Catalog catalog,
      OnlineIndexSource loader,
      OnlineMemoryBudget budget,
      BufferAllocator allocator,
      Clock clock,
      Duration pollInterval,
      OnlineIndexGauges gauges,
      OnlineTombstones tombstones) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.loader = requireNonNull(loader, "loader is null");
    this.budget = requireNonNull(budget, "budget is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.pollInterval = requireNonNull(pollInterval, "pollInterval is null");
    this.gauges = requireNonNull(gauges, "gauges is null");
    this.tombstones = requireNonNull(tombstones, "tombstones is null");
  }

  /** The erased keys, which lookups answer as absent. */
  OnlineTombstones tombstones() {
    return tombstones;
  }

  /** Tombstones laid or lifted through this server apply before the change is acknowledged. */
  @EventListener
  void onTombstonesChanged(TombstonesChanged changed) {
    tombstones.refresh();
  }

  /** The group's index, when the group is online and its index is loaded. */
  public Optional<LatestValueIndex> index(String groupName) {
    return Optional.ofNullable(indexes.get(groupName));
  }

  /** Why a group has no index, as of the last poll; empty when the group is unknown. */
  Optional<GroupState> stateWithoutIndex(String groupName) {
    if (refusals.containsKey(groupName)) {
      return Optional.of(GroupState.REFUSED);
    }
    Boolean online = onlineByGroup.get(groupName);
    if (online == null) {
      return Optional.empty();
    }
    return Optional.of(online ? GroupState.LOADING : GroupState.NOT_ONLINE);
  }

  /** The groups marked online as of the last poll, whether or not their index is loaded yet. */
  List<String> onlineGroups() {
    List<String> online = new ArrayList<>();
    onlineByGroup.forEach(
        (groupName, isOnline) -> {
          if (isOnline) {
            online.add(groupName);
          }
        });
    return online;
  }

  Optional<String> refusal(String groupName) {
    return Optional.ofNullable(refusals.get(groupName));
  }

  public List<OnlineIndexStats> stats() {
    List<OnlineIndexStats> stats = new ArrayList<>();
    indexes.values().forEach(index -> stats.add(index.stats()));
    return stats;
  }

  public Map<String, String> refusals() {
    return Map.copyOf(refusals);
  }

  /**
   * The groups whose index the last poll could not bring up to date, with what went wrong (the log
   * has the stack trace); {@link #POLL} stands for the poll itself when it failed outside a group.
   */
  public Map<String, String> failingGroups() {
    return Map.copyOf(failingGroups);
  }

  public OnlineMemoryBudget budget() {
    return budget;
  }

  /**
   * Applies a commit made through this server before it is acknowledged, so that the committer
   * reads its own write. A failure here does not fail the commit: the next poll retries.
   */
  @EventListener
  void onCommit(FeatureGroupCommitted committed) {
    catchUpNow(committed.featureGroup(), "commit " + committed.sequence());
  }

  /** Likewise for a group created, evolved, or marked online or not through this server. */
  @EventListener
  void onDefinition(FeatureGroupDefined defined) {
    catchUpNow(defined.featureGroup(), "its new definition");
  }

  private void catchUpNow(String groupName, String change) {
    try {
      updater
          .submit(() -> refresh(groupName))
          .get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "Online index of '{}' could not apply {} yet; the next poll retries",
          groupName,
          change,
          e);
    }
  }

  /**
   * Rebuilds one group's index from its files as of the latest commit, for changes that merging
   * rows cannot express (an erasure removes rows), and returns once the new index serves. The old
   * index serves until then; when both do not fit in the memory budget, the old one is reloaded in
   * place instead ({@link OnlineIndexSource#reload}), serving meanwhile. A group without an index
   * (not online, loading or refused) is only refreshed as a poll would.
   */
  public void rebuild(String groupName) throws IOException {
    try {
      updater.submit(() -> rebuildNow(groupName)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while rebuilding '" + groupName + "'");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private Void rebuildNow(String groupName) throws IOException {
    Optional<FeatureGroup> group = catalog.featureGroup(groupName);
    LatestValueIndex old = indexes.get(groupName);
    if (group.isEmpty() || !group.get().online() || old == null) {
      return refresh(groupName);
    }
    LatestValueIndex fresh = LatestValueIndex.create(group.get(), budget, allocator, clock);
    try {
      loader.catchUp(fresh, group.get());
    } catch (OnlineMemoryBudgetExceededException e) {
      fresh.close();
      log.warn(
          "Online index of '{}' does not fit twice in the memory budget; reloading it in place",
          groupName);
      reloadInPlace(old, group.get());
      return null;
    } catch (Throwable e) {
      fresh.close();
      throw e;
    }
    serve(groupName, fresh);
    old.close();
    log.info("Online index of '{}' rebuilt: {}", groupName, fresh.stats());
    return null;
  }

  /**
   * Reloads an index that does not fit twice from its group's files, while it goes on serving; the
   * erased keys leave it at the end, before the rebuild returns. Should the keys it gains meanwhile
   * not fit either, it is dropped (lookups answer 503) and loaded afresh, as a new index would be.
   */
  private void reloadInPlace(LatestValueIndex index, FeatureGroup group) throws IOException {
    try {
      loader.reload(index, group);
      log.info("Online index of '{}' reloaded in place: {}", group.name(), index.stats());
    } catch (OnlineMemoryBudgetExceededException e) {
      drop(group.name());
      index.close();
      log.warn(
          "Online index of '{}' does not fit after its reload; loading it afresh", group.name());
      refresh(group);
    }
  }

  /**
   * Polls the catalog now, on the updater thread, because some server changed a group. Signals that
   * arrive while a poll is queued are covered by it.
   */
  public void catalogChanged() {
    if (running && pollQueued.compareAndSet(false, true)) {
      updater.execute(
          () -> {
            pollQueued.set(false);
            pollSurvivingErrors();
          });
    }
  }

  @Override
  public void start() {
    try {
      updater.submit(this::pollSurvivingErrors).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("online indexes could not load", e.getCause());
    }
    updater.scheduleWithFixedDelay(
        this::pollSurvivingErrors,
        pollInterval.toMillis(),
        pollInterval.toMillis(),
        TimeUnit.MILLISECONDS);
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    updater.shutdownNow();
    try {
      updater.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List.copyOf(indexes.keySet()).forEach(gauges::stopped);
    indexes.values().forEach(LatestValueIndex::close);
    indexes.clear();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }

  /** A poll that nothing short of a broken JVM ends, so that the schedule keeps running. */
  private void pollSurvivingErrors() {
    try {
      pollQuietly();
      failingGroups.remove(POLL);
    } catch (Throwable e) {
      survive(POLL, e);
    }
  }

  /**
   * Logs and lists a failure; rethrows it only when it says the JVM is broken, after listing the
   * poll as stopped.
   */
  private void survive(String groupName, Throwable failure) {
    if (failure instanceof InternalError || failure instanceof UnknownError) {
      failingGroups.put(POLL, "stopped by " + failure.getClass().getSimpleName());
      log.error("Online indexes stop polling: the JVM reports an internal error", failure);
      throw (Error) failure;
    }
    failingGroups.put(groupName, failure.getClass().getSimpleName());
    if (groupName.equals(POLL)) {
      log.error("Online indexes could not poll the catalog; the next poll retries", failure);
    } else {
      log.error(
          "Online index of '{}' could not be refreshed; the next poll retries", groupName, failure);
    }
  }

  /**
   * One light query for every group's version; only groups that changed since their index last
   * looked (or that have no index yet) are read in full and refreshed.
   */
  private void pollQuietly() {
    try {
      tombstones.refresh();
      List<GroupVersion> versions = catalog.groupVersions();
      Map<String, Boolean> online = new HashMap<>();
      for (GroupVersion version : versions) {
        online.put(version.featureGroup(), version.online());
      }
      onlineByGroup = Map.copyOf(online);
      for (GroupVersion version : versions) {
        if (changed(version)) {
          refreshQuietly(version.featureGroup());
        }
      }
      if (catalogFailing) {
        log.info("Online indexes reach the catalog again");
        catalogFailing = false;
      }
    } catch (RuntimeException e) {
      if (!catalogFailing) {
        log.warn("Online indexes cannot poll the catalog; lookups serve the last state", e);
        catalogFailing = true;
      }
    }
  }

  /** Whether the group's index (or its absence) no longer matches the catalog. */
  private boolean changed(GroupVersion version) {
    String name = version.featureGroup();
    LatestValueIndex index = indexes.get(name);
    if (!version.online()) {
      return index != null || refusals.containsKey(name);
    }
    if (index == null) {
      return !refusals.containsKey(name);
    }
    return version.latestSequence() > index.appliedSequence()
        || version.schemaVersion() > index.group().schemaVersion();
  }

  private void refreshQuietly(String groupName) {
    try {
      refresh(groupName);
      failingGroups.remove(groupName);
    } catch (Throwable e) {
      survive(groupName, e);
    }
  }

  /** Reads the group afresh, records what lookups say of it meanwhile, and refreshes its index. */
  private Void refresh(String groupName) throws IOException {
    Optional<FeatureGroup> group = catalog.featureGroup(groupName);
    if (group.isPresent()) {
      Map<String, Boolean> online = new HashMap<>(onlineByGroup);
      online.put(groupName, group.get().online());
      onlineByGroup = Map.copyOf(online);
      refresh(group.get());
    }
    return null;
  }

  private void refresh(FeatureGroup group) throws IOException {
    String name = group.name();
    if (!group.online()) {
      LatestValueIndex dropped = drop(name);
      if (dropped != null) {
        dropped.close();
      }
      // Marked online again, it is loaded afresh (perhaps into a budget others freed meanwhile).
      refusals.remove(name);
      return;
    }
    if (refusals.containsKey(name)) {
      return;
    }
    LatestValueIndex existing = indexes.get(name);
    if (existing != null
        && catalog.latestSequence(name) > existing.appliedSequence()
        && erasedSince(name, existing.appliedSequence())) {
      // Erased rows cannot be taken out of a latest-value index (older values may win again).
      rebuildNow(name);
      return;
    }
    long started = System.nanoTime();
    LatestValueIndex index = existing;
    try {
      // Even an empty index may not fit when other groups hold the budget.
      if (index == null) {
        index = LatestValueIndex.create(group, budget, allocator, clock);
      }
      OnlineIndexSource.CatchUp catchUp = loader.catchUp(index, group);
      if (existing == null) {
        serve(name, index);
        OnlineIndexStats stats = index.stats();
        log.info(
            "Online index of '{}' loaded at commit {}: {} rows, {} keys, {} MB, {} bytes per key"
                + " per feature, in {} ms",
            name,
            catchUp.sequence(),
            catchUp.rowsRead(),
            stats.keys(),
            stats.reservedBytes() >> 20,
            String.format("%.1f", stats.bytesPerKeyPerFeature()),
            (System.nanoTime() - started) / 1_000_000);
      }
    } catch (OnlineMemoryBudgetExceededException e) {
      drop(name);
      if (index != null) {
        index.close();
      }
      refusals.put(name, e.getMessage());
      log.error("Online index of '{}' refused: {}", name, e.getMessage());
    } catch (Throwable e) {
      if (existing == null && index != null) {
        index.close();
      }
      throw e;
    }
  }

  private boolean erasedSince(String groupName, long sequence) {
    for (Commit commit : catalog.commitsAfter(groupName, sequence)) {
      if (commit.kind() == CommitKind.ERASURE) {
        return true;
      }
    }
    return false;
  }

  /** Every change of which index serves a group goes through here and {@link #drop}. */
  private void serve(String groupName, LatestValueIndex index) {
    indexes.put(groupName, index);
    gauges.serving(groupName, index);
  }

  private LatestValueIndex drop(String groupName) {
    gauges.stopped(groupName);
    return indexes.remove(groupName);
  }
}
