package dev.featurestore.api.security;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.Grant;
import dev.featurestore.core.security.Grants;
import dev.featurestore.core.security.ReadScope;
import dev.featurestore.core.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Gives and withdraws grants to read PII and SENSITIVE features (administrators; compliance may
 * list them). Each change is audited and decides the next read at once on this server, and on the
 * others once they hear of it ({@link ReadAccess}).
 */
@Tag(name = Tags.GRANTS)
@RestController
@RequestMapping("/api/v1/grants")
class GrantController {
  private final Grants grants;
  private final ReadAccess readAccess;
  private final AuditLog auditLog;

  GrantController(Grants grants, ReadAccess readAccess, AuditLog auditLog) {
    this.grants = grants;
    this.readAccess = readAccess;
    this.auditLog = auditLog;
  }

  /** To an API key (apiKeyId) or to every key of a role, not both. */
  record GrantRequest(
      UUID apiKeyId, Role role, Set<Classification> classes, Set<ReadScope> scopes) {}

  record GrantView(
      UUID id,
      UUID apiKeyId,
      Role role,
      List<Classification> classes,
      List<ReadScope> scopes,
      Instant createdAt,
      String createdBy) {
    static GrantView of(Grant grant) {
      return new GrantView(
          grant.id(),
          grant.apiKeyId().orElse(null),
          grant.role().orElse(null),
          List.copyOf(new TreeSet<>(grant.classes())),
          List.copyOf(new TreeSet<>(grant.scopes())),
          grant.createdAt(),
          grant.createdBy());
    }
  }

  @Operation(
      operationId = "createGrant",
      summary = "Grant a key or a role the right to read PII or SENSITIVE features",
      description =
          "apiKeyId or role (ADMIN, DATA_SCIENTIST, MODEL_SERVER, COMPLIANCE), not both; classes"
              + " among PII and SENSITIVE (PUBLIC and INTERNAL need no grant); scopes OFFLINE"
              + " (training-set builds, downloads, previews), ONLINE (lookups on either port), or"
              + " both. Takes effect for the next read.")
  @ResponseStatus(HttpStatus.CREATED)
  @PostMapping
  ResponseEntity<GrantView> create(@RequestBody GrantRequest request) {
    Caller caller = Caller.current();
    Grant grant =
        grants.add(
            Optional.ofNullable(request.apiKeyId()),
            Optional.ofNullable(request.role()),
            request.classes(),
            request.scopes(),
            caller.name());
    readAccess.reload();
    auditLog.record(
        described(
            caller.did(AuditAction.CREATE, AuditTargetType.GRANT, grant.id().toString()), grant));
    return ResponseEntity.created(URI.create("/api/v1/grants/" + grant.id()))
        .body(GrantView.of(grant));
  }

  @Operation(
      operationId = "listGrants",
      summary = "List the grants in force",
      description = "Oldest first.")
  @GetMapping
  List<GrantView> list() {
    return grants.list().stream().map(GrantView::of).toList();
  }

  @Operation(
      operationId = "revokeGrant",
      summary = "Withdraw a grant",
      description = "Reads it allowed are refused (403) from the next one on.")
  @DeleteMapping("/{id}")
  GrantView revoke(@PathVariable UUID id) {
    Grant revoked =
        grants.revoke(id).orElseThrow(() -> new NotFoundException("grant " + id + " not found"));
    readAccess.reload();
    auditLog.record(
        described(
            Caller.current().did(AuditAction.REVOKE, AuditTargetType.GRANT, id.toString()),
            revoked));
    return GrantView.of(revoked);
  }

  private static AuditEvent described(AuditEvent event, Grant grant) {
    return event
        .withDetail(
            "holder",
            grant.apiKeyId().map(UUID::toString).orElseGet(() -> grant.role().orElseThrow().name()))
        .withDetail(
            "classes",
            String.join(",", new TreeSet<>(grant.classes().stream().map(Enum::name).toList())))
        .withDetail(
            "scopes",
            String.join(",", new TreeSet<>(grant.scopes().stream().map(Enum::name).toList())));
  }
}
