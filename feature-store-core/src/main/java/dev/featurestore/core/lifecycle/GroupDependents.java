package dev.featurestore.core.lifecycle;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import java.util.List;
import java.util.UUID;

/**
 * What depends on a feature group: the training sets that read its files and the models trained on
 * those. Deleting the group leaves the training sets to rebuild and the models to retrain.
 */
public record GroupDependents(List<TrainingSetName> trainingSets, List<ModelVersion> models) {
  public GroupDependents {
    trainingSets = List.copyOf(trainingSets);
    models = List.copyOf(models);
  }

  public static GroupDependents none() {
    return new GroupDependents(List.of(), List.of());
  }

  public boolean isEmpty() {
    return trainingSets.isEmpty() && models.isEmpty();
  }

  /** A training set, as the training-set endpoints name it. */
  public record TrainingSetName(UUID id, String name) {
    public TrainingSetName {
      requireNonNull(id, "id is null");
      requireNonNull(name, "name is null");
    }
  }
}
