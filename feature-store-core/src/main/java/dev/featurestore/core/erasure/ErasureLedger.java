package dev.featurestore.core.erasure;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The record of erasures: each request, its keys until it completes, its receipt, and the progress
 * a run makes, kept so that a run cut short at any point is finished by the next without counting a
 * step twice or leaving a replaced object behind.
 *
 * <p>A step is written ahead ({@link #beginStep}) before the commit that makes its rewrite visible,
 * then either recorded ({@link #recordStep}) or abandoned ({@link #abandonStep}); a step still
 * begun when a run starts is one whose commit's outcome the last run never learnt.
 */
public interface ErasureLedger {
  /** Records an erasure for the job {@code id}, keeping its keys until it completes. */
  void create(UUID id, String entity, List<String> keys, String reason, String principal);

  /**
   * Records a retention run for the job {@code id}: an erasure of the entity with no keys, whose
   * rows are chosen by age ({@link RetentionRun}).
   */
  void createRetention(UUID id, String entity, RetentionRun run, String reason, String principal);

  Optional<Erasure> find(UUID id);

  /** The run, when the erasure {@code id} is a retention run. */
  Optional<RetentionRun> retentionRun(UUID id);

  /** Whether a retention run of the group is recorded and its job neither ended nor failed. */
  boolean retentionInProgress(String featureGroup);

  /** Erasures a stopped server left unfinished, oldest first. */
  List<Erasure> unfinished();

  /** The completed erasures that erased {@code key} of {@code entity}, oldest first. */
  List<Erasure> erasuresOf(String entity, String key);

  /** Writes {@code step} ahead of its commit; it replaces any step begun before. */
  void beginStep(UUID erasureId, RewriteStep step);

  /** The step begun and neither recorded nor abandoned since, if any. */
  Optional<RewriteStep> stepInDoubt(UUID erasureId);

  /**
   * Counts a committed step in the receipt (a file rewritten, its rows removed, in total and for
   * its feature group, the training set whose output it was as affected) and queues the replaced
   * object for deletion; the step is no longer in doubt.
   */
  void recordStep(UUID erasureId, RewriteStep step);

  /** Forgets the step begun, which was not committed. */
  void abandonStep(UUID erasureId);

  /** Rows the erasure removed from the group's files, over every run of it (a resumed one too). */
  long rowsRemovedFrom(UUID erasureId, String groupName);

  /** Names an object the erasure could not read in its receipt, once however often it is met. */
  void recordUnreadable(UUID erasureId, ErasureReceipt.UnreadableObject object);

  /** Counts a training set as affected even when its output held none of the keys' rows. */
  void recordTrainingSetAffected(UUID erasureId, UUID trainingSet);

  /**
   * Adds {@code expired.snapshots()} to the snapshots the erasure expired in {@code
   * expired.table()} (a resumed run expires what the run cut short left).
   */
  void recordSnapshotsExpired(UUID erasureId, PublishedTables.ExpiredSnapshots expired);

  /** Replaced objects not yet deleted from the object store. */
  List<String> objectsToDelete(UUID erasureId);

  /**
   * Ends the erasure: its keys are forgotten except as digests (so that "was this key erased?" can
   * still be answered for a key a caller names), and the receipt is final. Repeating it changes
   * nothing.
   */
  void complete(UUID erasureId, List<ErasureReceipt.ModelVersion> modelsToRetrain);
}
