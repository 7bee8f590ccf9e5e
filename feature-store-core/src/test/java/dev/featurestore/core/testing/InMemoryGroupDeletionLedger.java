package dev.featurestore.core.testing;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.lifecycle.DependentsPolicy;
import dev.featurestore.core.lifecycle.GroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletionLedger;
import dev.featurestore.core.lifecycle.GroupDeletionReceipt;
import dev.featurestore.core.lifecycle.GroupDependents;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The group deletions' ledger in memory, with the set semantics of {@code JdbcGroupDeletions}. */
public final class InMemoryGroupDeletionLedger implements GroupDeletionLedger {
  private final Clock clock;
  private final Map<UUID, Entry> entries = new LinkedHashMap<>();

  public InMemoryGroupDeletionLedger(Clock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void create(
      UUID id,
      String featureGroup,
      UUID jobId,
      DependentsPolicy policy,
      String principal,
      GroupDependents dependents) {
    entries.put(
        id, new Entry(id, featureGroup, jobId, policy, principal, clock.instant(), dependents));
  }

  @Override
  public synchronized Optional<GroupDeletion> find(UUID id) {
    return Optional.ofNullable(entries.get(id)).map(Entry::deletion);
  }

  @Override
  public synchronized Optional<GroupDeletion> findByJob(UUID jobId) {
    return entries.values().stream()
        .filter(entry -> entry.jobId.equals(jobId))
        .findFirst()
        .map(Entry::deletion);
  }

  @Override
  public synchronized void reassign(UUID id, UUID jobId) {
    entry(id).jobId = jobId;
  }

  @Override
  public synchronized void recordObjects(UUID id, Collection<String> objectKeys) {
    entry(id).objects.addAll(objectKeys);
  }

  @Override
  public synchronized void complete(UUID id) {
    Entry entry = entry(id);
    if (entry.completedAt == null) {
      entry.completedAt = clock.instant();
    }
  }

  private Entry entry(UUID id) {
    Entry entry = entries.get(id);
    if (entry == null) {
      throw new NotFoundException("deletion " + id + " not found");
    }
    return entry;
  }

  private static final class Entry {
    final UUID id;
    final String featureGroup;
    UUID jobId;
    final DependentsPolicy policy;
    final String principal;
    final Instant createdAt;
    final GroupDependents dependents;
    final Set<String> objects = new LinkedHashSet<>();
    Instant completedAt;

    Entry(
        UUID id,
        String featureGroup,
        UUID jobId,
        DependentsPolicy policy,
        String principal,
        Instant createdAt,
        GroupDependents dependents) {
      this.id = id;
      this.featureGroup = featureGroup;
      this.jobId = jobId;
      this.policy = policy;
      this.principal = principal;
      this.createdAt = createdAt;
      this.dependents = dependents;
    }

    GroupDeletion deletion() {
      return new GroupDeletion(
          id,
          featureGroup,
          jobId,
          policy,
          principal,
          createdAt,
          new GroupDeletionReceipt(
              objects.size(),
              dependents.trainingSets(),
              dependents.models(),
              Optional.ofNullable(completedAt)));
    }
  }
}
