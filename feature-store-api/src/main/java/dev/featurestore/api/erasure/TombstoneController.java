package dev.featurestore.api.erasure;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstone;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.model.Entity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Lifting the tombstone of an erased key, when the person comes back (compliance). */
@Tag(name = Tags.ERASURE)
@RestController
class TombstoneController {
  private final Tombstones tombstones;
  private final KeyDigests keyDigests;
  private final Catalog catalog;
  private final AuditLog auditLog;
  private final ApplicationEventPublisher events;

  TombstoneController(
      Tombstones tombstones,
      KeyDigests keyDigests,
      Catalog catalog,
      AuditLog auditLog,
      ApplicationEventPublisher events) {
    this.tombstones = tombstones;
    this.keyDigests = keyDigests;
    this.catalog = catalog;
    this.auditLog = auditLog;
    this.events = events;
  }

  /** The tombstone lifted: the key by its digest, and the erasure that had laid it. */
  record LiftedTombstone(String entity, String keyDigest, UUID erasureId, Instant erasedAt) {}

  @Operation(
      operationId = "liftTombstone",
      summary = "Let an erased key back",
      description =
          "An erased key stays erased: commits holding it are refused (or lose those rows) and"
              + " online lookups do not find it. Lifting its tombstone, when the person comes"
              + " back, lets it be written and served again; the rows erased stay erased. 404"
              + " when the key has no tombstone.")
  @DeleteMapping("/api/v1/tombstones/{entity}/{key}")
  LiftedTombstone lift(@PathVariable String entity, @PathVariable String key) {
    Entity known =
        catalog
            .entity(entity)
            .orElseThrow(() -> new NotFoundException("entity '" + entity + "' does not exist"));
    String canonical = known.requireKey("key", key);
    Tombstone lifted =
        tombstones
            .lift(entity, keyDigests.digest(entity, canonical))
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "key '" + key + "' of entity '" + entity + "' has no tombstone"));
    auditLog.record(
        Caller.current()
            .did(AuditAction.LIFT_TOMBSTONE, AuditTargetType.ENTITY_KEY, lifted.keyDigest())
            .withEntity(entity)
            .withKeys(List.of(canonical))
            .withDetail("erasureId", lifted.erasureId()));
    events.publishEvent(new TombstonesChanged());
    return new LiftedTombstone(
        lifted.entity(), lifted.keyDigest(), lifted.erasureId(), lifted.erasedAt());
  }
}
