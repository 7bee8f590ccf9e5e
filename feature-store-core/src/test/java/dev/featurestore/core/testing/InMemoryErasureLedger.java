package dev.featurestore.core.testing;

import dev.featurestore.core.erasure.Erasure;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.PublishedTables;
import dev.featurestore.core.erasure.RetentionRun;
import dev.featurestore.core.erasure.RewriteStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The erasure ledger in memory, with the rules of {@code JdbcErasureLedger} callers rely on: a step
 * is counted only while it is in doubt (so recording it twice counts it once), an unreadable object
 * is named once, and completing forgets the keys and is final. Every method is atomic.
 */
public final class InMemoryErasureLedger implements ErasureLedger {
  private final Map<UUID, Entry> erasures = new LinkedHashMap<>();

  private static final class Entry {
    final UUID id;
    final String entity;
    List<String> pendingKeys;
    final List<String> keyDigests;
    final int keyCount;
    final String reason;
    final String principal;
    final Instant createdAt = Instant.now();
    long filesRewritten;
    long rowsRemoved;
    final Set<UUID> trainingSetsAffected = new LinkedHashSet<>();
    final List<ErasureReceipt.UnreadableObject> unreadable = new ArrayList<>();
    final List<String> objectsToDelete = new ArrayList<>();
    final Map<String, Long> rowsRemovedByGroup = new HashMap<>();
    final Map<String, Long> snapshotsExpiredByTable = new HashMap<>();
    final List<String> erasedKeys = new ArrayList<>();
    List<ErasureReceipt.ModelVersion> modelsToRetrain = List.of();
    RewriteStep stepInDoubt;
    Instant completedAt;
    RetentionRun retentionRun;

    Entry(UUID id, String entity, List<String> keys, String reason, String principal) {
      this.id = id;
      this.entity = entity;
      this.pendingKeys = List.copyOf(keys);
      this.keyDigests =
          keys.stream().map(key -> InMemoryTombstones.DIGESTS.digest(entity, key)).toList();
      this.keyCount = keys.size();
      this.reason = reason;
      this.principal = principal;
    }

    Erasure erasure() {
      return new Erasure(
          id,
          entity,
          pendingKeys,
          keyDigests,
          keyCount,
          reason,
          principal,
          createdAt,
          new ErasureReceipt(
              filesRewritten,
              rowsRemoved,
              List.copyOf(trainingSetsAffected),
              modelsToRetrain,
              unreadable,
              snapshotsExpiredByTable,
              Optional.ofNullable(completedAt)));
    }
  }

  @Override
  public synchronized void create(
      UUID id, String entity, List<String> keys, String reason, String principal) {
    erasures.put(id, new Entry(id, entity, keys, reason, principal));
  }

  @Override
  public synchronized void createRetention(
      UUID id, String entity, RetentionRun run, String reason, String principal) {
    Entry entry = new Entry(id, entity, List.of(), reason, principal);
    entry.retentionRun = run;
    erasures.put(id, entry);
  }

  @Override
  public synchronized Optional<RetentionRun> retentionRun(UUID id) {
    return Optional.ofNullable(erasures.get(id)).map(entry -> entry.retentionRun);
  }

  /** Without jobs, an uncompleted run counts as in progress. */
  @Override
  public synchronized boolean retentionInProgress(String featureGroup) {
    return erasures.values().stream()
        .anyMatch(
            entry ->
                entry.retentionRun != null
                    && entry.retentionRun.featureGroup().equals(featureGroup)
                    && entry.completedAt == null);
  }

  @Override
  public synchronized Optional<Erasure> find(UUID id) {
    return Optional.ofNullable(erasures.get(id)).map(Entry::erasure);
  }

  @Override
  public synchronized List<Erasure> unfinished() {
    return erasures.values().stream()
        .filter(entry -> entry.completedAt == null)
        .map(Entry::erasure)
        .toList();
  }

  @Override
  public synchronized List<Erasure> erasuresOf(String entity, String key) {
    return erasures.values().stream()
        .filter(entry -> entry.entity.equals(entity) && entry.erasedKeys.contains(key))
        .map(Entry::erasure)
        .toList();
  }

  @Override
  public synchronized void beginStep(UUID erasureId, RewriteStep step) {
    entry(erasureId).stepInDoubt = step;
  }

  @Override
  public synchronized Optional<RewriteStep> stepInDoubt(UUID erasureId) {
    return Optional.ofNullable(entry(erasureId).stepInDoubt);
  }

  @Override
  public synchronized void recordStep(UUID erasureId, RewriteStep step) {
    Entry entry = entry(erasureId);
    if (entry.stepInDoubt == null) {
      return;
    }
    entry.filesRewritten++;
    entry.rowsRemoved += step.rowsRemoved();
    entry.objectsToDelete.add(step.replacedObjectKey());
    step.featureGroup()
        .ifPresent(group -> entry.rowsRemovedByGroup.merge(group, step.rowsRemoved(), Long::sum));
    if (step.heldBy() == ErasureReceipt.Holder.TRAINING_SET_OUTPUT) {
      entry.trainingSetsAffected.add(step.id());
    }
    entry.stepInDoubt = null;
  }

  @Override
  public synchronized void abandonStep(UUID erasureId) {
    entry(erasureId).stepInDoubt = null;
  }

  @Override
  public synchronized long rowsRemovedFrom(UUID erasureId, String groupName) {
    return entry(erasureId).rowsRemovedByGroup.getOrDefault(groupName, 0L);
  }

  @Override
  public synchronized void recordUnreadable(
      UUID erasureId, ErasureReceipt.UnreadableObject object) {
    Entry entry = entry(erasureId);
    if (entry.unreadable.stream()
        .noneMatch(known -> known.objectKey().equals(object.objectKey()))) {
      entry.unreadable.add(object);
    }
  }

  @Override
  public synchronized void recordTrainingSetAffected(UUID erasureId, UUID trainingSet) {
    entry(erasureId).trainingSetsAffected.add(trainingSet);
  }

  @Override
  public synchronized void recordSnapshotsExpired(
      UUID erasureId, PublishedTables.ExpiredSnapshots expired) {
    entry(erasureId).snapshotsExpiredByTable.merge(expired.table(), expired.snapshots(), Long::sum);
  }

  @Override
  public synchronized List<String> objectsToDelete(UUID erasureId) {
    return List.copyOf(entry(erasureId).objectsToDelete);
  }

  @Override
  public synchronized void complete(
      UUID erasureId, List<ErasureReceipt.ModelVersion> modelsToRetrain) {
    Entry entry = entry(erasureId);
    if (entry.completedAt != null) {
      return;
    }
    entry.erasedKeys.addAll(entry.pendingKeys);
    entry.pendingKeys = List.of();
    entry.objectsToDelete.clear();
    entry.stepInDoubt = null;
    entry.modelsToRetrain = List.copyOf(modelsToRetrain);
    entry.completedAt = Instant.now();
  }

  private Entry entry(UUID erasureId) {
    Entry entry = erasures.get(erasureId);
    if (entry == null) {
      throw new IllegalStateException("no erasure " + erasureId);
    }
    return entry;
  }
}
