package dev.featurestore.core.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Deletes a feature group: refused while training sets or models depend on it unless asked
 * explicitly, then every object under the group's prefix (every file of every version, the ones a
 * compaction replaced and retention still keeps included) is removed from the object store, and the
 * group leaves the catalog, its name free for a new group.
 *
 * <p>A deletion holds its group from the request on ({@link Catalog#beginDeletion}): the group
 * takes no commits and is no longer served online. Every step of the run is idempotent (deleting a
 * missing object is no error, the ledger keeps the deleted keys as a set, the catalog's completion
 * happens once), so a run cut short at any point is finished by running it again. The catalog's
 * completion is looked up before anything is listed: once the name is free, a new group of the same
 * name may own the prefix.
 */
public final class FeatureGroupDeletion {
  private final Catalog catalog;
  private final GroupDeletionLedger ledger;
  private final TrainingSetCatalog trainingSets;
  private final Models models;
  private final ObjectStore objects;

  public FeatureGroupDeletion(
      Catalog catalog,
      GroupDeletionLedger ledger,
      TrainingSetCatalog trainingSets,
      Models models,
      ObjectStore objects) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.ledger = requireNonNull(ledger, "ledger is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.models = requireNonNull(models, "models is null");
    this.objects = requireNonNull(objects, "objects is null");
  }

  /** The training sets that read the group's files and the models trained on them. */
  public GroupDependents dependents(String groupName) {
    List<TrainingSet> reading = trainingSets.readingFeatureGroup(groupName);
    List<UUID> ids = reading.stream().map(TrainingSet::id).toList();
    return new GroupDependents(
        reading.stream()
            .map(
                trainingSet ->
                    new GroupDependents.TrainingSetName(trainingSet.id(), trainingSet.name()))
            .toList(),
        ids.isEmpty()
            ? List.of()
            : models.trainedOn(ids).stream()
                .map(model -> new ModelVersion(model.name(), model.version()))
                .toList());
  }

  /**
   * Records the deletion of the group, to be run by the job {@code jobId}, and holds the group for
   * it; when the group is being deleted already, answers that deletion instead (asking twice
   * deletes once). Under {@link DependentsPolicy#REFUSE} a group that training sets or models
   * depend on is refused with {@link GroupInUseException}, and nothing changes.
   */
  public GroupDeletion request(
      String groupName, DependentsPolicy policy, String principal, UUID jobId) {
    if (catalog.featureGroup(groupName).isEmpty()) {
      throw new NotFoundException("feature group '" + groupName + "' not found");
    }
    GroupDependents dependents = dependents(groupName);
    if (policy == DependentsPolicy.REFUSE && !dependents.isEmpty()) {
      throw new GroupInUseException(groupName, dependents);
    }
    UUID holder = catalog.beginDeletion(groupName, UUID.randomUUID());
    Optional<GroupDeletion> earlier = ledger.find(holder);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    // Also a deletion whose ledger row was never written (the request failed just after holding
    // the group): this request records it.
    ledger.create(holder, groupName, jobId, policy, principal, dependents);
    return ledger.find(holder).orElseThrow();
  }

  /** Objects the deletion of the group will remove, for job progress. */
  public long plannedSteps(String groupName) throws IOException {
    return objects.list(ObjectLayout.featureGroup(groupName)).size();
  }

  /** Runs (or finishes) the deletion; {@code progress} hears the number of objects deleted. */
  public GroupDeletionReceipt delete(UUID deletionId, LongConsumer progress) throws IOException {
    GroupDeletion deletion =
        ledger
            .find(deletionId)
            .orElseThrow(() -> new NotFoundException("deletion " + deletionId + " not found"));
    if (deletion.receipt().completedAt().isPresent()) {
      return deletion.receipt();
    }
    if (!catalog.deletionCompleted(deletionId)) {
      String prefix = ObjectLayout.featureGroup(deletion.featureGroup());
      long done = 0;
      // A commit that was writing when the deletion began may still add an object before the
      // catalog refuses it: listing until nothing is left removes those too.
      for (List<StoredObject> left = objects.list(prefix);
          !left.isEmpty();
          left = objects.list(prefix)) {
        List<String> keys = left.stream().map(StoredObject::key).toList();
        ledger.recordObjects(deletionId, keys);
        for (String key : keys) {
          objects.delete(key);
          progress.accept(++done);
        }
      }
      catalog.completeDeletion(deletionId);
    }
    ledger.complete(deletionId);
    return ledger.find(deletionId).orElseThrow().receipt();
  }
}
