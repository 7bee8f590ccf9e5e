package dev.featurestore.core.training;

import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.model.MaxAge;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Where training sets, their inputs and outputs are recorded. A training set being built is held by
 * the replica building it, under a lease (see {@link dev.featurestore.core.jobs.ReplicaLease}); its
 * status only moves forward: PENDING, RUNNING, then READY or FAILED.
 */
public interface TrainingSetCatalog {
  /**
   * Records a new training set, PENDING, bound to {@code catalogVersion}, owned by a key and held
   * by this replica; once READY its output is kept for {@code retention}.
   */
  TrainingSet create(
      UUID id,
      String name,
      String requestJson,
      Map<String, Long> catalogVersion,
      UUID ownerKeyId,
      MaxAge retention);

  /** Records a new training set whose output is kept for ever. */
  default TrainingSet create(
      UUID id, String name, String requestJson, Map<String, Long> catalogVersion, UUID ownerKeyId) {
    return create(id, name, requestJson, catalogVersion, ownerKeyId, MaxAge.FOREVER);
  }

  /**
   * Moves this replica's PENDING training set to RUNNING.
   *
   * @throws LostLeaseException when it is not this replica's PENDING training set any more
   */
  void markRunning(UUID id);

  /**
   * Marks this replica's RUNNING training set READY with its output ({@code rows} rows; {@code
   * rowsWithoutConsent} spine rows had no consent for its purpose) and the exact files it read;
   * with a retention, it expires that long after now.
   *
   * @throws LostLeaseException when it is not this replica's RUNNING training set any more (another
   *     replica failed it after its lease expired): nothing is recorded
   */
  TrainingSet complete(
      UUID id,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsWithoutConsent,
      List<TrainingSetInput> inputs,
      Map<String, Long> timingsMillis);

  /** Marks this replica's PENDING or RUNNING training set FAILED; false when it is not. */
  boolean fail(UUID id, String error);

  Optional<TrainingSet> find(UUID id);

  /**
   * The name (and expiry) of each of the training sets that exists, in one catalog call (lineage
   * answers).
   */
  Map<UUID, NamedTrainingSet> names(Collection<UUID> ids);

  /** The summaries {@code query} asks for, newest first. */
  List<TrainingSetSummary> list(TrainingSetListQuery query);

  /** Training sets that read any file of the group (as features or as spine), newest first. */
  List<TrainingSet> readingFeatureGroup(String groupName);

  /**
   * Points the training set at its output rewritten by an erasure ({@code outputObjectKey}, {@code
   * rows} rows), counting {@code rowsErased} in its {@code rowsErased}. Fails with a {@link
   * dev.featurestore.core.ConflictException}, changing nothing, when its output is no longer {@code
   * replacedObjectKey} (another erasure rewrote it first) or the set is no longer READY (it
   * expired).
   */
  void replaceOutput(
      UUID id,
      String replacedObjectKey,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsErased);

  /**
   * Removes the rows of {@code keys} (in the entity's column) from the inline spines of every
   * stored request, whatever the training set's status: a request refused while it was built, or
   * cut short by a crash, is stored FAILED with its spine but has no lineage through which an
   * erasure would find it. Returns how many requests changed.
   */
  int removeInlineSpineRows(String entity, Collection<String> keys);

  /**
   * The training sets whose output is due for deletion at {@code now}: READY ones past their {@code
   * expiresAt}, and EXPIRED ones whose output is not deleted yet (an expiry cut short).
   */
  List<TrainingSet> expiring(Instant now);

  /**
   * Moves a READY training set past its {@code expiresAt} at {@code now} to EXPIRED; false when it
   * is not (any more): another replica expired it first.
   */
  boolean markExpired(UUID id, Instant now);

  /**
   * Records that the output {@code outputObjectKey} of the EXPIRED training set was deleted (by the
   * pass of {@code now}); false when that was recorded already or its output is another object.
   */
  boolean markOutputDeleted(UUID id, String outputObjectKey, Instant now);

  /** Extends the lease of every unfinished training set this replica holds; returns how many. */
  int renewLeases();

  /**
   * Fails with {@code reason} the unfinished training sets of other replicas whose lease expired
   * (their replica stopped); returns how many.
   */
  int failExpired(String reason);
}
