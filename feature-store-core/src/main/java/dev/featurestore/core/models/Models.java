package dev.featurestore.core.models;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where model versions and the training sets they were trained on are recorded. */
public interface Models {
  /**
   * Records a model version; returns it as stored (with the store's creation time).
   *
   * @throws dev.featurestore.core.ConflictException when the name and version are taken
   */
  Model add(Model model);

  Optional<Model> find(String name, String version);

  /** Every model, by name then creation. */
  List<Model> list();

  /** Models trained on any of the training sets. */
  List<Model> trainedOn(Collection<java.util.UUID> trainingSets);
}
