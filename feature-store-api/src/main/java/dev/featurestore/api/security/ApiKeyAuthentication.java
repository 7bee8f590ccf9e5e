package dev.featurestore.api.security;

import dev.featurestore.core.security.ApiKey;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request authenticated by a valid API key: its name is the principal, its role the authority.
 */
final class ApiKeyAuthentication extends AbstractAuthenticationToken {
  private static final long serialVersionUID = 1L;

  private final ApiKey apiKey;

  ApiKeyAuthentication(ApiKey apiKey) {
    super(List.of(new SimpleGrantedAuthority("ROLE_" + apiKey.role().name())));
    this.apiKey = apiKey;
    setAuthenticated(true);
  }

  @Override
  public ApiKey getPrincipal() {
    return apiKey;
  }

  @Override
  public Object getCredentials() {
    return "";
  }

  @Override
  public String getName() {
    return apiKey.name();
  }
}
