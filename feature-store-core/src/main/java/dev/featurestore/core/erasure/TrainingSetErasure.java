package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.StoredObjectRewriter.Rewrite;
import dev.featurestore.core.erasure.StoredObjectRewriter.StoredRewrite;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetStatus;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Erases keys from training sets: the output of every training set that used a key (found through
 * lineage, recorded by any replica) is rewritten without the keys' rows, with {@code rowsErased}
 * counted, and the keys' inline spine rows leave every stored request.
 */
public final class TrainingSetErasure {
  private final TrainingSetCatalog trainingSets;
  private final LineageStore lineage;
  private final StoredObjectRewriter rewriter;
  private final ErasureSteps steps;
  private final ErasureLedger ledger;

  public TrainingSetErasure(
      TrainingSetCatalog trainingSets,
      LineageStore lineage,
      StoredObjectRewriter rewriter,
      ErasureSteps steps,
      ErasureLedger ledger) {
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.rewriter = requireNonNull(rewriter, "rewriter is null");
    this.steps = requireNonNull(steps, "steps is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
  }

  /** The training sets that used any of the keys. */
  public Set<UUID> using(ErasedKeys keys) {
    Set<UUID> used = new LinkedHashSet<>();
    for (String key : keys.keys()) {
      used.addAll(lineage.trainingSetsUsing(keys.entity().name(), key).keySet());
    }
    return used;
  }

  /**
   * Rewrites the output of every training set that used the keys, each counted as affected, and
   * scrubs inline spines; {@code stepDone} hears of each training set. Returns the affected ones.
   */
  public Set<UUID> erase(UUID erasureId, ErasedKeys keys, Runnable stepDone) throws IOException {
    Set<UUID> affected = using(keys);
    for (UUID id : affected) {
      Optional<TrainingSet> trainingSet = trainingSets.find(id);
      if (trainingSet.isPresent()) {
        eraseFromOutput(erasureId, trainingSet.get(), keys);
      }
      ledger.recordTrainingSetAffected(erasureId, id);
      stepDone.run();
    }
    trainingSets.removeInlineSpineRows(keys.entity().name(), keys.keys());
    return affected;
  }

  /** Lineage forgets the keys' values, keeping their digests (the erasure is ending). */
  public void forgetInLineage(ErasedKeys keys) {
    lineage.forget(keys.entity().name(), keys.keys());
  }

  /** Whether the training set's row shows the step's rewrite of its output. */
  public boolean committed(RewriteStep step) {
    return trainingSets
        .find(step.id())
        .flatMap(TrainingSet::outputObjectKey)
        .map(output -> output.equals(step.newObjectKey().orElseThrow()))
        .orElse(false);
  }

  private void eraseFromOutput(UUID erasureId, TrainingSet trainingSet, ErasedKeys keys)
      throws IOException {
    // An EXPIRED set's output is deleted (or about to be): nothing to rewrite.
    if (trainingSet.status() != TrainingSetStatus.READY
        || trainingSet.outputObjectKey().isEmpty()
        || trainingSet.rows() == 0) {
      return;
    }
    String output = trainingSet.outputObjectKey().get();
    String objectKey = ObjectLayout.trainingSetOutputAfterErasure(trainingSet.id(), erasureId);
    Rewrite<StoredRewrite> outcome =
        rewriter.rewriteTrainingSetOutput(trainingSet, keys, objectKey);
    if (outcome instanceof Rewrite.Unreadable<StoredRewrite> unreadable) {
      steps.recordUnreadable(
          erasureId,
          new ErasureReceipt.UnreadableObject(
              ErasureReceipt.Holder.TRAINING_SET_OUTPUT,
              trainingSet.id(),
              output,
              unreadable.reason()));
    } else if (outcome instanceof Rewrite.Rewritten<StoredRewrite> rewritten) {
      RewriteStep step =
          new RewriteStep(
              ErasureReceipt.Holder.TRAINING_SET_OUTPUT,
              trainingSet.id(),
              Optional.empty(),
              output,
              Optional.of(rewritten.rewrite().objectKey()),
              rewritten.rowsRemoved());
      boolean committed =
          steps.commit(
              erasureId,
              step,
              () ->
                  trainingSets.replaceOutput(
                      trainingSet.id(),
                      output,
                      rewritten.rewrite().objectKey(),
                      rewritten.rewrite().sha256(),
                      rewritten.rewrite().rows(),
                      rewritten.rowsRemoved()));
      if (committed) {
        rewriter.evictCachedCopy(trainingSet.outputHash().orElseThrow());
      }
    }
  }
}
