package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Classification;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The right to read feature values of some classes, in some scopes, given to one API key or to
 * every key of a role. Only classes that need a grant ({@link Classification#needsGrant}) are
 * granted: the others are readable by every role that may call the read at all.
 *
 * @param apiKeyId the key it is given to; empty when given to a role
 * @param role the role it is given to; empty when given to a key
 * @param createdBy the name of the key that gave it
 */
public record Grant(
    UUID id,
    Optional<UUID> apiKeyId,
    Optional<Role> role,
    Set<Classification> classes,
    Set<ReadScope> scopes,
    Instant createdAt,
    String createdBy) {
  public Grant {
    requireNonNull(id, "id is null");
    requireNonNull(apiKeyId, "apiKeyId is null");
    requireNonNull(role, "role is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(createdBy, "createdBy is null");
    requireValid(apiKeyId, role, classes, scopes);
    classes = Set.copyOf(classes);
    scopes = Set.copyOf(scopes);
  }

  /**
   * The rules of a grant, checked before one is recorded: exactly one holder, a key or a role; at
   * least one class, each needing a grant; at least one scope.
   */
  public static void requireValid(
      Optional<UUID> apiKeyId,
      Optional<Role> role,
      Set<Classification> classes,
      Set<ReadScope> scopes) {
    if (apiKeyId.isPresent() == role.isPresent()) {
      throw new InvalidInputException(
          "apiKeyId", "name either an API key (apiKeyId) or a role (role) to grant to, not both");
    }
    requireNonEmpty("classes", classes);
    requireNonEmpty("scopes", scopes);
    for (Classification granted : classes) {
      if (!granted.needsGrant()) {
        throw new InvalidInputException(
            "classes",
            granted + " is readable without a grant; a grant names classes of " + grantable());
      }
    }
  }

  /** Whether this grant lets {@code reader} read {@code classification} in {@code scope}. */
  public boolean allows(ApiKey reader, Classification classification, ReadScope scope) {
    boolean holder =
        apiKeyId.map(reader.id()::equals).orElse(false)
            || role.map(reader.role()::equals).orElse(false);
    return holder && classes.contains(classification) && scopes.contains(scope);
  }

  private static void requireNonEmpty(String field, Set<?> values) {
    if (values == null || values.isEmpty()) {
      throw new InvalidInputException(field, "must name at least one");
    }
  }

  /** The classes a grant may name, for messages. */
  public static Set<Classification> grantable() {
    EnumSet<Classification> grantable = EnumSet.noneOf(Classification.class);
    for (Classification classification : Classification.values()) {
      if (classification.needsGrant()) {
        grantable.add(classification);
      }
    }
    return grantable;
  }
}
