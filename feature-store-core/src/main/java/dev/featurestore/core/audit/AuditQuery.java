package dev.featurestore.core.audit;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Which audit entries to read, newest first. Every filter is optional; set ones must all match.
 *
 * @param entity entries about this entity
 * @param key entries naming this entity key (lineage queries, erasures); entries hold keys as keyed
 *     digests of entity and key, so only entries of {@code entity} match it
 * @param targetType entries about this kind of object
 * @param target entries about this object (a feature group name, an API key id...)
 * @param apiKeyId entries written by this API key
 * @param since entries at or after this time
 * @param before entries older than this entry id: the cursor of the next page
 * @param limit at most this many entries
 */
public record AuditQuery(
    Optional<String> entity,
    Optional<String> key,
    Optional<AuditTargetType> targetType,
    Optional<String> target,
    Optional<UUID> apiKeyId,
    Optional<Instant> since,
    Optional<Long> before,
    int limit) {
  public static final int MAX_LIMIT = 1000;

  public AuditQuery {
    requireNonNull(entity, "entity is null");
    requireNonNull(key, "key is null");
    requireNonNull(targetType, "targetType is null");
    requireNonNull(target, "target is null");
    requireNonNull(apiKeyId, "apiKeyId is null");
    requireNonNull(since, "since is null");
    requireNonNull(before, "before is null");
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
    }
  }

  /** Every entry, a page of {@code limit} at a time. */
  public static AuditQuery all(int limit) {
    return new AuditQuery(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        limit);
  }

  public AuditQuery withEntity(String entityName) {
    return new AuditQuery(
        Optional.of(entityName), key, targetType, target, apiKeyId, since, before, limit);
  }

  public AuditQuery withKey(String entityKey) {
    return new AuditQuery(
        entity, Optional.of(entityKey), targetType, target, apiKeyId, since, before, limit);
  }

  public AuditQuery withTarget(AuditTargetType type, String name) {
    return new AuditQuery(
        entity, key, Optional.of(type), Optional.of(name), apiKeyId, since, before, limit);
  }

  public AuditQuery withApiKeyId(UUID id) {
    return new AuditQuery(entity, key, targetType, target, Optional.of(id), since, before, limit);
  }

  public AuditQuery withSince(Instant time) {
    return new AuditQuery(
        entity, key, targetType, target, apiKeyId, Optional.of(time), before, limit);
  }

  public AuditQuery withBefore(long entryId) {
    return new AuditQuery(
        entity, key, targetType, target, apiKeyId, since, Optional.of(entryId), limit);
  }
}
