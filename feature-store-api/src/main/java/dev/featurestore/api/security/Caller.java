package dev.featurestore.api.security;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Owned;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling: for the audit log, for the principal recorded on commits, and for which uploads,
 * jobs, training sets and models the caller may see. Every request that reaches a controller
 * outside the public endpoints carries an API key.
 *
 * @param name the API key's name
 * @param apiKey the API key, empty for an anonymous caller of a public endpoint
 */
public record Caller(String name, Optional<ApiKey> apiKey) {
  private static final Caller ANONYMOUS = new Caller("anonymous", Optional.empty());

  /** The caller of the request this thread serves. */
  public static Caller current() {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof ApiKey key) {
      return new Caller(key.name(), Optional.of(key));
    }
    return ANONYMOUS;
  }

  /**
   * The key that owns what this caller creates and whose rights decide what it sees; only public
   * endpoints, which create and show no such objects, have anonymous callers.
   */
  public ApiKey key() {
    return apiKey.orElseThrow(() -> new IllegalStateException("the request has no API key"));
  }

  /**
   * Whether the caller may see {@code object} ({@link ApiKey#maySee}). Controllers answer an object
   * it may not see exactly as a missing one, so that nobody learns what other keys created.
   */
  public boolean maySee(Owned object) {
    return apiKey.isPresent() && apiKey.get().maySee(object);
  }

  /** An audit event saying this caller did {@code action} to {@code target}. */
  public AuditEvent did(AuditAction action, AuditTargetType targetType, String target) {
    return AuditEvent.of(name, apiKey.map(ApiKey::id), action, targetType, target);
  }
}
