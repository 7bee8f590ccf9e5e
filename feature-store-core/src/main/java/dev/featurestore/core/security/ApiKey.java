package dev.featurestore.core.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** An issued API key as the catalog keeps it: who holds it and what it may do, never its secret. */
public record ApiKey(
    UUID id, String name, Role role, Instant createdAt, Optional<Instant> revokedAt) {
  public ApiKey {
    requireNonNull(id, "id is null");
    requireNonNull(role, "role is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(revokedAt, "revokedAt is null");
    validName(name);
  }

  /** Names identify a key's holder in the audit log, so they must be short and printable. */
  public static String validName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("name", "is required");
    }
    if (name.length() > 100 || !name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      throw new InvalidInputException("name", "must be at most 100 printable ASCII characters");
    }
    return name;
  }

  public boolean revoked() {
    return revokedAt.isPresent();
  }

  /**
   * Whether this key may see another key's object: ADMIN and COMPLIANCE see every object, other
   * roles only those their own key created. An object without an owner (recorded before owners
   * were) is therefore visible to ADMIN and COMPLIANCE only.
   */
  public boolean maySee(Owned object) {
    return visibleOwner().map(owner -> object.ownerKeyId().equals(Optional.of(owner))).orElse(true);
  }

  /**
   * The one key whose objects this key sees (its own), or empty when it sees every key's objects;
   * lists filter by it in the catalog.
   */
  public Optional<UUID> visibleOwner() {
    return role == Role.ADMIN || role == Role.COMPLIANCE ? Optional.empty() : Optional.of(id);
  }
}
