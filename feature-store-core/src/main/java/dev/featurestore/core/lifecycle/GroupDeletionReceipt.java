package dev.featurestore.core.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What deleting a group did: the objects it removed from the object store (every file of every
 * version, replaced ones included), the training sets that read the group and must be rebuilt, and
 * the models trained on them, which must be retrained. {@code completedAt} is set at the end.
 */
public record GroupDeletionReceipt(
    long objectsDeleted,
    List<GroupDependents.TrainingSetName> trainingSetsToRebuild,
    List<ModelVersion> modelsToRetrain,
    Optional<Instant> completedAt) {
  public GroupDeletionReceipt {
    trainingSetsToRebuild = List.copyOf(trainingSetsToRebuild);
    modelsToRetrain = List.copyOf(modelsToRetrain);
    requireNonNull(completedAt, "completedAt is null");
  }
}
