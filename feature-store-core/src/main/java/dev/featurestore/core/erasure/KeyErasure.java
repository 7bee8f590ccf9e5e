package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Runs an erasure: removes every row of the erased keys from every file of every retained version
 * of the groups on the entity ({@link FeatureFileErasure}), from every uploaded spine with a column
 * named after the entity ({@link UploadErasure}) and from the output of every training set that
 * used the keys ({@link TrainingSetErasure}), then deletes the replaced objects, expires the
 * snapshots of published tables that still name them ({@link PublishedTables}) and completes the
 * receipt with the models to retrain.
 *
 * <p>Each rewrite is one step of the erasure's ledger, committed through the port that owns the
 * object's row ({@link ErasureSteps}); running an erasure again after it was cut short settles the
 * step it left in doubt and skips objects that no longer hold the keys, so it is idempotent.
 *
 * <p>An object whose bytes cannot be read as what the catalog says it is (damaged after it was
 * stored) is named in the receipt's {@code unreadableObjects} and left as it is, and the erasure
 * goes on: running it again would meet the same bytes, so one such object must not keep the keys in
 * every other one. A failure to reach the object store or the catalog ends the run instead (an
 * {@link IOException} or the catalog's exception): it may pass, and the steps recorded before it
 * stay done for the run that finishes the erasure.
 */
public final class KeyErasure {
  private final ErasureLedger ledger;
  private final Catalog catalog;
  private final ErasureSteps steps;
  private final FeatureFileErasure files;
  private final UploadErasure uploads;
  private final TrainingSetErasure trainingSets;
  private final Models models;

  public KeyErasure(
      ErasureLedger ledger,
      Catalog catalog,
      ErasureSteps steps,
      FeatureFileErasure files,
      UploadErasure uploads,
      TrainingSetErasure trainingSets,
      Models models) {
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.steps = requireNonNull(steps, "steps is null");
    this.files = requireNonNull(files, "files is null");
    this.uploads = requireNonNull(uploads, "uploads is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.models = requireNonNull(models, "models is null");
  }

  /** The erasure over its ports, each part wired to the ports it needs. */
  public static KeyErasure over(
      ErasureLedger ledger,
      Catalog catalog,
      TrainingSetCatalog trainingSetCatalog,
      Uploads uploadCatalog,
      LineageStore lineage,
      Models models,
      StoredObjectRewriter rewriter,
      ObjectStore objects,
      PublishedTables tables) {
    ErasureSteps steps = new ErasureSteps(ledger, objects, tables);
    return new KeyErasure(
        ledger,
        catalog,
        steps,
        new FeatureFileErasure(catalog, rewriter, steps, ledger),
        new UploadErasure(uploadCatalog, rewriter, steps),
        new TrainingSetErasure(trainingSetCatalog, lineage, rewriter, steps, ledger),
        models);
  }

  /**
   * Steps of an erasure, for job progress: files and uploads that may hold the keys, training sets
   * using them.
   */
  public long plannedSteps(Entity entity, Collection<String> keys) {
    ErasedKeys erased = new ErasedKeys(entity, Set.copyOf(keys));
    long steps = trainingSets.using(erased).size() + uploads.keyedBy(entity.name()).size();
    for (FeatureGroup group : files.groupsOf(entity.name())) {
      steps += files.filesThatMayHold(group, erased);
    }
    return steps;
  }

  /** Runs (or finishes) the erasure; {@code progress} hears the number of steps done. */
  public ErasureReceipt erase(UUID erasureId, String principal, LongConsumer progress)
      throws IOException {
    Erasure erasure =
        ledger
            .find(erasureId)
            .orElseThrow(() -> new NotFoundException("erasure " + erasureId + " not found"));
    if (erasure.receipt().completedAt().isPresent()) {
      return erasure.receipt();
    }
    Entity entity =
        catalog
            .entity(erasure.entity())
            .orElseThrow(() -> new NotFoundException("entity " + erasure.entity() + " not found"));
    ErasedKeys keys = new ErasedKeys(entity, Set.copyOf(erasure.pendingKeys()));
    steps.settleStepInDoubt(erasureId, this::committed);
    long[] done = {0};
    Runnable stepDone = () -> progress.accept(++done[0]);
    List<FeatureGroup> groups = files.groupsOf(entity.name());
    for (FeatureGroup group : groups) {
      files.erase(erasureId, group, keys, principal, stepDone);
    }
    for (Upload upload : uploads.keyedBy(entity.name())) {
      uploads.erase(erasureId, upload, keys);
      stepDone.run();
    }
    Set<UUID> affected = trainingSets.erase(erasureId, keys, stepDone);
    steps.deleteReplacedObjects(erasureId);
    for (FeatureGroup group : groups) {
      steps.expireSnapshotsOfGroup(erasureId, group.name());
    }
    for (UUID trainingSet : affected) {
      steps.expireSnapshotsOfTrainingSet(erasureId, trainingSet);
    }
    trainingSets.forgetInLineage(keys);
    List<ErasureReceipt.ModelVersion> retrain =
        models.trainedOn(affected).stream()
            .map(model -> new ErasureReceipt.ModelVersion(model.name(), model.version()))
            .toList();
    ledger.complete(erasureId, retrain);
    return ledger.find(erasureId).orElseThrow().receipt();
  }

  private boolean committed(RewriteStep step) {
    return switch (step.heldBy()) {
      case FEATURE_FILE -> files.committed(step);
      case UPLOAD -> uploads.committed(step);
      case TRAINING_SET_OUTPUT -> trainingSets.committed(step);
    };
  }
}
