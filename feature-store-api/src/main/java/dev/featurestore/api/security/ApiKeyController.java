package dev.featurestore.api.security;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

/** Issues, lists and revokes API keys (administrators only, by the access rules). */
@Tag(name = Tags.API_KEYS)
@RestController
@RequestMapping("/api/v1/api-keys")
class ApiKeyController {
  private final ApiKeys apiKeys;
  private final AuditLog auditLog;

  ApiKeyController(ApiKeys apiKeys, AuditLog auditLog) {
    this.apiKeys = apiKeys;
    this.auditLog = auditLog;
  }

  record ApiKeyRequest(String name, Role role) {}

  /** A key as listed: never its secret, which only the answer to issuing it shows. */
  record ApiKeyView(
      UUID id, String name, Role role, Instant createdAt, Optional<Instant> revokedAt) {
    static ApiKeyView of(ApiKey key) {
      return new ApiKeyView(key.id(), key.name(), key.role(), key.createdAt(), key.revokedAt());
    }
  }

  record IssuedApiKeyView(UUID id, String name, Role role, Instant createdAt, String key) {}

  @Operation(
      operationId = "issueApiKey",
      summary = "Issue an API key",
      description =
          "The answer's key is the secret, shown this once: send it as Authorization: Bearer"
              + " <key>. Roles: ADMIN, DATA_SCIENTIST, MODEL_SERVER, COMPLIANCE.")
  @ResponseStatus(HttpStatus.CREATED)
  @PostMapping
  ResponseEntity<IssuedApiKeyView> issue(@RequestBody ApiKeyRequest request) {
    if (request.role() == null) {
      throw new InvalidInputException("role", "is required: one of " + List.of(Role.values()));
    }
    IssuedApiKey issued = apiKeys.issue(request.name(), request.role());
    ApiKey key = issued.apiKey();
    auditLog.record(
        Caller.current()
            .did(AuditAction.CREATE, AuditTargetType.API_KEY, key.id().toString())
            .withDetail("name", key.name())
            .withDetail("role", key.role().name()));
    return ResponseEntity.created(URI.create("/api/v1/api-keys/" + key.id()))
        .body(
            new IssuedApiKeyView(
                key.id(), key.name(), key.role(), key.createdAt(), issued.secret()));
  }

  @Operation(
      operationId = "listApiKeys",
      summary = "List API keys",
      description = "Without their secrets.")
  @GetMapping
  List<ApiKeyView> list() {
    return apiKeys.list().stream().map(ApiKeyView::of).toList();
  }

  @Operation(
      operationId = "revokeApiKey",
      summary = "Revoke an API key",
      description = "Calls with it are refused (401) from then on, on both ports.")
  @DeleteMapping("/{id}")
  ApiKeyView revoke(@PathVariable UUID id) {
    ApiKey revoked = apiKeys.revoke(id);
    auditLog.record(
        Caller.current()
            .did(AuditAction.REVOKE, AuditTargetType.API_KEY, id.toString())
            .withDetail("name", revoked.name()));
    return ApiKeyView.of(revoked);
  }
}
