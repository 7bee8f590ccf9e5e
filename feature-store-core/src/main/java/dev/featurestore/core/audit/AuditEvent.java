package dev.featurestore.core.audit;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One thing someone did, to be written to the audit log: who (the API key and its name), what
 * (action on a target), and about which entity and keys, so that compliance staff can ask "who
 * touched user u123". Details hold counts and identifiers only, never feature values: an erasure
 * must leave nothing of the erased rows behind, and the audit log is never rewritten.
 *
 * @param principal the name of the caller's API key
 * @param apiKeyId the caller's API key, empty for the server's own actions
 * @param entity the entity whose data the action concerns, if any
 * @param keys the entity keys the action concerns (lineage queries, erasures), usually none
 * @param details small facts about the action: numbers, names and identifiers
 */
public record AuditEvent(
    String principal,
    Optional<UUID> apiKeyId,
    AuditAction action,
    AuditTargetType targetType,
    String target,
    Optional<String> entity,
    List<String> keys,
    Map<String, Object> details) {
  public AuditEvent {
    requireNonNull(principal, "principal is null");
    requireNonNull(apiKeyId, "apiKeyId is null");
    requireNonNull(action, "action is null");
    requireNonNull(targetType, "targetType is null");
    requireNonNull(target, "target is null");
    requireNonNull(entity, "entity is null");
    keys = List.copyOf(keys);
    details = Map.copyOf(details);
    details.forEach(AuditEvent::requireFact);
  }

  /** An event about a target, with no entity, keys or details yet. */
  public static AuditEvent of(
      String principal,
      Optional<UUID> apiKeyId,
      AuditAction action,
      AuditTargetType targetType,
      String target) {
    return new AuditEvent(
        principal, apiKeyId, action, targetType, target, Optional.empty(), List.of(), Map.of());
  }

  public AuditEvent withEntity(String entityName) {
    return new AuditEvent(
        principal, apiKeyId, action, targetType, target, Optional.of(entityName), keys, details);
  }

  public AuditEvent withKeys(List<String> entityKeys) {
    return new AuditEvent(
        principal, apiKeyId, action, targetType, target, entity, entityKeys, details);
  }

  public AuditEvent withDetail(String name, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(details);
    more.put(name, value);
    return new AuditEvent(principal, apiKeyId, action, targetType, target, entity, keys, more);
  }

  /**
   * Details are facts about the action (counts, names, ids); nested structures are refused so that
   * no caller can pass a row, and its feature values, along by accident.
   */
  private static void requireFact(String name, Object value) {
    if (!(value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof UUID)) {
      throw new IllegalArgumentException(
          "audit detail '" + name + "' must be a string, number, boolean or UUID, not " + value);
    }
  }
}
