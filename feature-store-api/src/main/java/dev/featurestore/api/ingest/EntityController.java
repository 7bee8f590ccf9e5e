package dev.featurestore.api.ingest;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = Tags.ENTITIES)
@RestController
@RequestMapping("/api/v1/entities")
class EntityController {
  private final Catalog catalog;
  private final AuditLog auditLog;

  EntityController(Catalog catalog, AuditLog auditLog) {
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  record EntityRequest(
      String name, KeyType keyType, String description, String owner, List<String> tags) {}

  /** What a PATCH may change; an absent field keeps its value. */
  record EntityChange(String description, String owner, List<String> tags) {}

  @Operation(
      operationId = "createEntity",
      summary = "Define an entity",
      description =
          "An entity is what features describe. Its name is also the key column's name in"
              + " commits, spines and online lookups; its key type (STRING or INT64) is fixed."
              + " description, owner and tags (lowercase labels) make it findable.")
  @ResponseStatus(HttpStatus.CREATED)
  @Problems(ErrorCode.CONFLICT)
  @PostMapping
  ResponseEntity<Entity> create(@RequestBody EntityRequest request) {
    if (request.keyType() == null) {
      throw new InvalidInputException("keyType", "is required: STRING or INT64");
    }
    Entity entity =
        catalog.createEntity(
            new Entity(
                request.name(),
                request.keyType(),
                request.description(),
                request.owner(),
                request.tags()));
    auditLog.record(
        Caller.current()
            .did(AuditAction.CREATE, AuditTargetType.ENTITY, entity.name())
            .withEntity(entity.name())
            .withDetail("keyType", entity.keyType().name())
            .withDetail("owner", entity.owner())
            .withDetail("tags", String.join(",", entity.tags())));
    return ResponseEntity.created(URI.create("/api/v1/entities/" + entity.name())).body(entity);
  }

  @Operation(
      operationId = "listEntities",
      summary = "List entities",
      description = "By name, a page at a time (limit, pageToken; Link rel=\"next\").")
  @GetMapping
  ResponseEntity<List<Entity>> list(
      @RequestParam Optional<Integer> limit, @RequestParam Optional<String> pageToken) {
    return PageRequest.of(limit, pageToken)
        .answer(catalog.entities(), Entity::name, Comparator.naturalOrder(), Function.identity());
  }

  @Operation(operationId = "getEntity", summary = "Get an entity")
  @GetMapping("/{name}")
  Entity get(@PathVariable String name) {
    return entity(name);
  }

  @Operation(
      operationId = "describeEntity",
      summary = "Change an entity's description, owner or tags",
      description = "Fields left out keep their value; tags replace the entity's tags.")
  @PatchMapping("/{name}")
  Entity describe(@PathVariable String name, @RequestBody EntityChange change) {
    if (change.description() == null && change.owner() == null && change.tags() == null) {
      throw new InvalidInputException("body", "name a description, owner or tags to change");
    }
    Entity current = entity(name);
    Entity described =
        catalog.describeEntity(
            current.describedAs(
                Objects.requireNonNullElse(change.description(), current.description()),
                Objects.requireNonNullElse(change.owner(), current.owner()),
                Objects.requireNonNullElse(change.tags(), current.tags())));
    auditLog.record(
        Caller.current()
            .did(AuditAction.UPDATE, AuditTargetType.ENTITY, name)
            .withEntity(name)
            .withDetail("owner", described.owner())
            .withDetail("tags", String.join(",", described.tags())));
    return described;
  }

  private Entity entity(String name) {
    return catalog
        .entity(name)
        .orElseThrow(() -> new NotFoundException("entity '" + name + "' not found"));
  }
}
