package dev.featurestore.core.security;

import dev.featurestore.core.model.Classification;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The grants in force: who may read which classes of feature values, offline and online. */
public interface Grants {
  /**
   * Records a grant to a key or a role (exactly one), made by the key named {@code createdBy}.
   *
   * @throws dev.featurestore.core.InvalidInputException when the key does not exist or is revoked
   */
  Grant add(
      Optional<UUID> apiKeyId,
      Optional<Role> role,
      Set<Classification> classes,
      Set<ReadScope> scopes,
      String createdBy);

  /** Every grant in force, oldest first. */
  List<Grant> list();

  /** Withdraws a grant; empty when there is no such grant. */
  Optional<Grant> revoke(UUID id);
}
