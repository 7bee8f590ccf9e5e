package dev.featurestore.api.ingest;

import dev.featurestore.api.security.Caller;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/entities")
class EntityController {
  private final Catalog catalog;
  private final AuditLog auditLog;

  EntityController(Catalog catalog, AuditLog auditLog) {
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  record EntityRequest(String name, KeyType keyType, String description) {}

  @PostMapping
  ResponseEntity<Entity> create(@RequestBody EntityRequest request) {
    if (request.keyType() == null) {
      throw new InvalidInputException("keyType", "is required: STRING or INT64");
    }
    Entity entity =
        catalog.createEntity(new Entity(request.name(), request.keyType(), request.description()));
    auditLog.record(
        Caller.current()
            .did(AuditAction.CREATE, AuditTargetType.ENTITY, entity.name())
            .withEntity(entity.name())
            .withDetail("keyType", entity.keyType().name()));
    return ResponseEntity.created(URI.create("/api/v1/entities/" + entity.name())).body(entity);
  }

  @GetMapping
  List<Entity> list() {
    return catalog.entities();
  }

  @GetMapping("/{name}")
  Entity get(@PathVariable String name) {
    return catalog
        .entity(name)
        .orElseThrow(() -> new NotFoundException("entity '" + name + "' not found"));
  }
}
