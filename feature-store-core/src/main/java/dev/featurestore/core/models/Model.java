package dev.featurestore.core.models;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Names;
import dev.featurestore.core.security.Owned;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A model version and the training sets it was trained on: what lineage ends in. It belongs to the
 * API key that registered it.
 */
public record Model(
    String name,
    String version,
    String uri,
    List<UUID> trainingSets,
    Optional<UUID> ownerKeyId,
    Instant createdAt)
    implements Owned {
  public Model {
    Names.requireValid("name", name);
    Names.requireValidVersion("version", version);
    uri = uri == null ? "" : uri;
    trainingSets = List.copyOf(trainingSets);
    if (trainingSets.isEmpty()) {
      throw new InvalidInputException("trainingSets", "name at least one training set id");
    }
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(createdAt, "createdAt is null");
  }
}
