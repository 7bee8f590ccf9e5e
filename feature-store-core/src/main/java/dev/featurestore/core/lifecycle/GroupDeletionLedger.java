package dev.featurestore.core.lifecycle;

import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of group deletions: each request with the dependents it found, the objects it deleted
 * (kept as a set, so that a run cut short and run again counts each object once) and its
 * completion.
 */
public interface GroupDeletionLedger {
  /** Records a deletion of {@code featureGroup}, run by the job {@code jobId}. */
  void create(
      UUID id,
      String featureGroup,
      UUID jobId,
      DependentsPolicy policy,
      String principal,
      GroupDependents dependents);

  Optional<GroupDeletion> find(UUID id);

  /** The deletion the job runs, if any. */
  Optional<GroupDeletion> findByJob(UUID jobId);

  /** Hands the deletion to another job (its last run failed and it was asked for again). */
  void reassign(UUID id, UUID jobId);

  /**
   * Adds {@code objectKeys} to the objects the deletion removes, before they are deleted; keys
   * already recorded are counted once.
   */
  void recordObjects(UUID id, Collection<String> objectKeys);

  /** Ends the deletion; the receipt is final. Repeating it changes nothing. */
  void complete(UUID id);
}
