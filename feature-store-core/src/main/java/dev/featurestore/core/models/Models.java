package dev.featurestore.core.models;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** The registered model versions, as erasure needs them. */
public interface Models {
  /** Models trained on any of the training sets. */
  List<Model> trainedOn(Collection<UUID> trainingSets);
}
