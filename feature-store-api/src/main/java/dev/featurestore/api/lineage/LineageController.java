package dev.featurestore.api.lineage;

import dev.featurestore.api.security.Caller;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import dev.featurestore.storage.erasure.JdbcErasures;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** "Which models used this person's data?" and its reverse; every query is audited. */
@RestController
@RequestMapping("/api/v1/lineage")
class LineageController {
  private final LineageQueries lineage;
  private final Catalog catalog;
  private final AuditLog auditLog;
  private final JdbcErasures erasures;

  LineageController(
      LineageQueries lineage, Catalog catalog, AuditLog auditLog, JdbcErasures erasures) {
    this.lineage = lineage;
    this.catalog = catalog;
    this.auditLog = auditLog;
    this.erasures = erasures;
  }

  /** An erasure of the key, as lineage shows it. */
  record ErasureOfKey(UUID id, Instant createdAt, Instant completedAt) {}

  /** The lineage of a key, with the erasures that removed its rows since. */
  record KeyLineageAnswer(
      String entity,
      String key,
      List<LineageQueries.GroupUse> featureGroups,
      List<LineageQueries.TrainingSetUse> trainingSets,
      List<LineageQueries.ModelReference> models,
      List<ErasureOfKey> erasures) {}

  @GetMapping("/entities/{entity}/keys/{key}")
  KeyLineageAnswer forKey(@PathVariable String entity, @PathVariable("key") String keyAsGiven)
      throws IOException {
    Entity found =
        catalog
            .entity(entity)
            .orElseThrow(() -> new NotFoundException("entity '" + entity + "' not found"));
    found
        .problemWithKey(keyAsGiven)
        .ifPresent(
            problem -> {
              throw new InvalidInputException("key", problem);
            });
    String key = found.canonicalKey(keyAsGiven);
    LineageQueries.KeyLineage answer = lineage.forKey(found, key);
    auditLog.record(
        Caller.current()
            .did(AuditAction.LINEAGE_QUERY, AuditTargetType.ENTITY_KEY, entity)
            .withEntity(entity)
            .withKeys(List.of(key))
            .withDetail("trainingSets", answer.trainingSets().size())
            .withDetail("models", answer.models().size()));
    List<ErasureOfKey> erased =
        erasures.erasuresOf(entity, key).stream()
            .map(
                erasure ->
                    new ErasureOfKey(
                        erasure.id(),
                        erasure.createdAt(),
                        erasure.receipt().completedAt().orElse(null)))
            .toList();
    return new KeyLineageAnswer(
        answer.entity(),
        answer.key(),
        answer.featureGroups(),
        answer.trainingSets(),
        answer.models(),
        erased);
  }

  @GetMapping("/models/{name}/versions/{version}")
  LineageQueries.ModelLineage forModel(@PathVariable String name, @PathVariable String version) {
    Caller caller = Caller.current();
    LineageQueries.ModelLineage answer = lineage.forModel(name, version, caller.key());
    auditLog.record(
        caller.did(AuditAction.LINEAGE_QUERY, AuditTargetType.MODEL, name + "/" + version));
    return answer;
  }

  @GetMapping("/feature-groups/{name}")
  LineageQueries.GroupLineage forGroup(@PathVariable String name) {
    Caller caller = Caller.current();
    LineageQueries.GroupLineage answer = lineage.forGroup(name, caller.key());
    auditLog.record(caller.did(AuditAction.LINEAGE_QUERY, AuditTargetType.FEATURE_GROUP, name));
    return answer;
  }
}
