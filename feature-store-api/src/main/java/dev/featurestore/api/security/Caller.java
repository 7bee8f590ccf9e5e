package dev.featurestore.api.security;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ApiKey;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling, for the audit log and for the principal recorded on commits. Every request that
 * reaches a controller outside the public endpoints carries an API key.
 *
 * @param name the API key's name
 * @param apiKeyId the API key's id, empty for an anonymous caller of a public endpoint
 */
public record Caller(String name, Optional<UUID> apiKeyId) {
  private static final Caller ANONYMOUS = new Caller("anonymous", Optional.empty());

  /** The caller of the request this thread serves. */
  public static Caller current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof ApiKey apiKey) {
      return new Caller(apiKey.name(), Optional.of(apiKey.id()));
    }
    return ANONYMOUS;
  }

  /** An audit event saying this caller did {@code action} to {@code target}. */
  public AuditEvent did(AuditAction action, AuditTargetType targetType, String target) {
    return AuditEvent.of(name, apiKeyId, action, targetType, target);
  }
}
