package dev.featurestore.api.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys the online listener verified recently. Verifying every lookup in Postgres costs more
 * than the lookup itself (a transaction per request caps the listener near a tenth of its floor),
 * so a valid key is trusted for {@code ttl} after it was verified: a key revoked meanwhile keeps
 * working on this listener for at most that long. Unknown keys are never cached, so a new key works
 * at once.
 */
final class RecentlyVerifiedKeys {
  /** Bounds the memory a flood of distinct valid keys could take; past it the cache starts over. */
  static final int MAX_ENTRIES = 10_000;

  private record Verified(ApiKey key, Instant until) {}

  private final ApiKeys apiKeys;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Verified> bySecret = new ConcurrentHashMap<>();

  RecentlyVerifiedKeys(ApiKeys apiKeys, Duration ttl, Clock clock) {
    this.apiKeys = requireNonNull(apiKeys, "apiKeys is null");
    this.ttl = requireNonNull(ttl, "ttl is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The key, if it was verified within the TTL: memory only, so an event loop may ask. */
  Optional<ApiKey> recent(String secret) {
    Verified recent = bySecret.get(secret);
    return recent != null && clock.instant().isBefore(recent.until())
        ? Optional.of(recent.key())
        : Optional.empty();
  }

  /** The key, from memory if verified within the TTL, else from Postgres (blocking). */
  Optional<ApiKey> verify(String secret) {
    Optional<ApiKey> recent = recent(secret);
    if (recent.isPresent()) {
      return recent;
    }
    Instant now = clock.instant();
    Optional<ApiKey> key = apiKeys.verify(secret);
    if (key.isEmpty() || ttl.isZero()) {
      bySecret.remove(secret);
      return key;
    }
    if (bySecret.size() >= MAX_ENTRIES) {
      bySecret.clear();
    }
    bySecret.put(secret, new Verified(key.get(), now.plus(ttl)));
    return key;
  }
}
