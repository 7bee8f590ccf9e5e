package dev.featurestore.core.security;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The API keys the server accepts. Only a hash of each secret is stored. */
public interface ApiKeys {
  /** Issues a key with a fresh random secret. */
  IssuedApiKey issue(String name, Role role);

  /**
   * Issues the first admin key with the given secret (or a random one when empty), unless an admin
   * key was ever issued, revoked or not: then nothing happens and the result is empty.
   */
  Optional<IssuedApiKey> issueFirstAdminKey(String name, Optional<String> secret);

  /** The key a secret belongs to, if it exists and is not revoked. */
  Optional<ApiKey> verify(String secret);

  /** Revokes a key; revoking a revoked key again changes nothing. */
  ApiKey revoke(UUID id);

  /** Every key, oldest first, revoked ones included. */
  List<ApiKey> list();
}
