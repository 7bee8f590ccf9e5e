package dev.featurestore.api.lineage;

import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.Entity;
import dev.featurestore.storage.lineage.LineageQueries;
import java.io.IOException;
import java.util.List;
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

  LineageController(LineageQueries lineage, Catalog catalog, AuditLog auditLog) {
    this.lineage = lineage;
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  @GetMapping("/entities/{entity}/keys/{key}")
  LineageQueries.KeyLineage forKey(@PathVariable String entity, @PathVariable String key)
      throws IOException {
    Entity found =
        catalog
            .entity(entity)
            .orElseThrow(() -> new NotFoundException("entity '" + entity + "' not found"));
    LineageQueries.KeyLineage answer = lineage.forKey(found, key);
    auditLog.record(
        Caller.current()
            .did(AuditAction.LINEAGE_QUERY, AuditTargetType.ENTITY_KEY, entity)
            .withEntity(entity)
            .withKeys(List.of(key))
            .withDetail("trainingSets", answer.trainingSets().size())
            .withDetail("models", answer.models().size()));
    return answer;
  }

  @GetMapping("/models/{name}/versions/{version}")
  LineageQueries.ModelLineage forModel(@PathVariable String name, @PathVariable String version) {
    LineageQueries.ModelLineage answer = lineage.forModel(name, version);
    auditLog.record(
        Caller.current()
            .did(AuditAction.LINEAGE_QUERY, AuditTargetType.MODEL, name + "/" + version));
    return answer;
  }

  @GetMapping("/feature-groups/{name}")
  LineageQueries.GroupLineage forGroup(@PathVariable String name) {
    LineageQueries.GroupLineage answer = lineage.forGroup(name);
    auditLog.record(
        Caller.current().did(AuditAction.LINEAGE_QUERY, AuditTargetType.FEATURE_GROUP, name));
    return answer;
  }
}
