package dev.featurestore.core.models;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Registers model versions on the training sets they were trained on, and shows each key the models
 * it may see. A model is where lineage ends, so it may name only training sets that exist.
 */
public final class ModelRegistry {
  private final Models models;
  private final TrainingSetCatalog trainingSets;
  private final Clock clock;

  public ModelRegistry(Models models, TrainingSetCatalog trainingSets, Clock clock) {
    this.models = requireNonNull(models, "models is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /**
   * Records a model version as the registrant's. It may name only training sets the registrant may
   * see: another key's training set is refused exactly as one that does not exist.
   *
   * @throws dev.featurestore.core.ConflictException when the name and version are taken
   */
  public Model register(
      String name, String version, String uri, List<UUID> trainingSetIds, ApiKey registrant) {
    Model model =
        new Model(
            name, version, uri, trainingSetIds, Optional.of(registrant.id()), clock.instant());
    for (int i = 0; i < model.trainingSets().size(); i++) {
      UUID id = model.trainingSets().get(i);
      Optional<TrainingSet> trainingSet = trainingSets.find(id).filter(registrant::maySee);
      if (trainingSet.isEmpty()) {
        throw new InvalidInputException(
            "trainingSets[" + i + "]", "training set " + id + " does not exist");
      }
    }
    return models.add(model);
  }

  /** The models the viewer may see. */
  public List<Model> visibleTo(ApiKey viewer) {
    return models.list().stream().filter(viewer::maySee).toList();
  }

  /** Another key's model is not found, unless the viewer may see every key's. */
  public Model find(String name, String version, ApiKey viewer) {
    return visibleModel(models, name, version, viewer);
  }

  /** The model, if {@code viewer} may see it; else not found, as if it did not exist. */
  public static Model visibleModel(Models models, String name, String version, ApiKey viewer) {
    return models
        .find(name, version)
        .filter(viewer::maySee)
        .orElseThrow(
            () -> new NotFoundException("model " + name + " version " + version + " not found"));
  }
}
