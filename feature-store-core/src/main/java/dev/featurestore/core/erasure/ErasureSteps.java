package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Commits an erasure's rewrites one at a time through the port that owns each object's catalog row,
 * written ahead in the erasure's ledger, with the three outcomes of every change of catalog state:
 * committed (the step is counted and the replaced object queued for deletion); failed, including a
 * lost race with another erasure (the rewrite is deleted); unknown (nothing is deleted: the step
 * stays in doubt in the ledger, and the next run reads the owner's row to learn whether it
 * happened).
 */
public final class ErasureSteps {
  private static final System.Logger LOG = System.getLogger(ErasureSteps.class.getName());

  private final ErasureLedger ledger;
  private final ObjectStore objects;
  private final PublishedTables tables;

  public ErasureSteps(ErasureLedger ledger, ObjectStore objects, PublishedTables tables) {
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.tables = requireNonNull(tables, "tables is null");
  }

  /**
   * Commits {@code step} by running {@code commitToOwner}; returns false when the owner refused it
   * with a conflict (another erasure rewrote the object first), after deleting the rewrite.
   *
   * @throws CommitStateUnknownException when the commit's outcome is unknown; nothing was deleted
   */
  public boolean commit(UUID erasureId, RewriteStep step, Runnable commitToOwner)
      throws IOException {
    ledger.beginStep(erasureId, step);
    try {
      commitToOwner.run();
    } catch (CommitStateUnknownException unknown) {
      throw unknown;
    } catch (ConflictException lostRace) {
      abandon(erasureId, step);
      return false;
    } catch (RuntimeException failed) {
      try {
        abandon(erasureId, step);
      } catch (IOException | RuntimeException cleanupFailure) {
        failed.addSuppressed(cleanupFailure);
      }
      throw failed;
    }
    ledger.recordStep(erasureId, step);
    return true;
  }

  /**
   * Settles the step a cut-short run left in doubt: recorded if {@code committed} finds its rewrite
   * in the owner's row, else abandoned. Its rewrite is not deleted then: an unreferenced feature
   * file is the orphan janitor's, and an upload's or output's rewrite is stored again under the
   * same key when the step is repeated.
   */
  public void settleStepInDoubt(UUID erasureId, Predicate<RewriteStep> committed) {
    Optional<RewriteStep> inDoubt = ledger.stepInDoubt(erasureId);
    if (inDoubt.isEmpty()) {
      return;
    }
    if (committed.test(inDoubt.get())) {
      ledger.recordStep(erasureId, inDoubt.get());
    } else {
      ledger.abandonStep(erasureId);
    }
  }

  /**
   * Names a damaged object in the receipt: rewriting it cannot succeed however often the erasure is
   * run, and one such object must not keep the keys in every other one.
   */
  public void recordUnreadable(UUID erasureId, ErasureReceipt.UnreadableObject object) {
    LOG.log(
        Level.WARNING,
        "Erasure {0} cannot read {1} {2} (object {3}), which may still hold the erased keys: {4}",
        erasureId,
        object.heldBy(),
        object.id(),
        object.objectKey(),
        object.reason());
    ledger.recordUnreadable(erasureId, object);
  }

  /** Deletes the objects the erasure's committed steps replaced. */
  public void deleteReplacedObjects(UUID erasureId) throws IOException {
    for (String replaced : ledger.objectsToDelete(erasureId)) {
      objects.delete(replaced);
    }
  }

  /**
   * Expires the snapshots of the group's published table that name objects the erasure replaced,
   * counted in its receipt. Call after the steps are committed: the table then reads the rewrites.
   * A run stopped between the expiry and its record does not count those snapshots again; they are
   * gone all the same.
   */
  public void expireSnapshotsOfGroup(UUID erasureId, String featureGroup) {
    tables
        .expireSnapshotsOfGroup(featureGroup)
        .filter(expired -> expired.snapshots() > 0)
        .ifPresent(expired -> ledger.recordSnapshotsExpired(erasureId, expired));
  }

  /** The same for a training set's output table. */
  public void expireSnapshotsOfTrainingSet(UUID erasureId, UUID trainingSet) {
    tables
        .expireSnapshotsOfTrainingSet(trainingSet)
        .filter(expired -> expired.snapshots() > 0)
        .ifPresent(expired -> ledger.recordSnapshotsExpired(erasureId, expired));
  }

  private void abandon(UUID erasureId, RewriteStep step) throws IOException {
    if (step.newObjectKey().isPresent()) {
      objects.delete(step.newObjectKey().get());
    }
    ledger.abandonStep(erasureId);
  }
}
