package dev.featurestore.core.testing;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.models.Models;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link Models} in memory, refusing a taken name and version as the catalog's unique key does. */
public final class InMemoryModels implements Models {
  private final List<Model> models = new ArrayList<>();

  @Override
  public synchronized Model add(Model model) {
    if (find(model.name(), model.version()).isPresent()) {
      throw new ConflictException(
          "model " + model.name() + " version " + model.version() + " already exists");
    }
    models.add(model);
    return model;
  }

  @Override
  public synchronized Optional<Model> find(String name, String version) {
    return models.stream()
        .filter(model -> model.name().equals(name) && model.version().equals(version))
        .findFirst();
  }

  @Override
  public synchronized List<Model> list() {
    return List.copyOf(models);
  }

  @Override
  public synchronized List<Model> trainedOn(Collection<UUID> trainingSets) {
    return models.stream()
        .filter(model -> model.trainingSets().stream().anyMatch(trainingSets::contains))
        .toList();
  }
}
