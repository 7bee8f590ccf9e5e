package dev.featurestore.core.security;

import java.util.Optional;
import java.util.UUID;

/**
 * An object that belongs to the API key that created it: an upload, a job, a training set, a model.
 * Which keys may see it is {@link ApiKey#maySee}'s to say.
 */
public interface Owned {
  /** The id of the key that created it; empty for objects recorded before owners were. */
  Optional<UUID> ownerKeyId();
}
