package dev.featurestore.core.erasure;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.UUID;

/**
 * An erased key, remembered by its keyed digest ({@link KeyDigests}) so that it stays erased: a
 * commit holding it is refused or loses those rows, and online lookups do not find it.
 *
 * @param erasureId the (latest) erasure that erased the key
 * @param erasedAt when that erasure was requested
 */
public record Tombstone(String entity, String keyDigest, UUID erasureId, Instant erasedAt) {
  public Tombstone {
    requireNonNull(entity, "entity is null");
    requireNonNull(keyDigest, "keyDigest is null");
    requireNonNull(erasureId, "erasureId is null");
    requireNonNull(erasedAt, "erasedAt is null");
  }
}
