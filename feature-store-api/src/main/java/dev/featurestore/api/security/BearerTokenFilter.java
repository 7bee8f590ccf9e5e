package dev.featurestore.api.security;

import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemWriter;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.storage.catalog.CatalogUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>}. A missing, unknown or revoked key leaves
 * the request anonymous; the access rules then answer 401 wherever a key is needed. Nothing is kept
 * between requests, so a revoked key stops working at once.
 */
final class BearerTokenFilter extends OncePerRequestFilter {
  /**
   * Set when a key was presented but not accepted, so that the 401 can say the token is invalid.
   */
  static final String REJECTED_TOKEN = BearerTokenFilter.class.getName() + ".rejected";

  private static final Logger log = LoggerFactory.getLogger(BearerTokenFilter.class);
  private static final String SCHEME = "Bearer ";

  private final ApiKeys apiKeys;
  private final RequestMatcher publicEndpoints;

  BearerTokenFilter(ApiKeys apiKeys, RequestMatcher publicEndpoints) {
    this.apiKeys = apiKeys;
    this.publicEndpoints = publicEndpoints;
  }

  /** Probes and metrics must answer without the catalog, which checking a key needs. */
  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return publicEndpoints.matches(request);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<String> secret = bearerToken(request);
    if (secret.isPresent()) {
      Optional<ApiKey> apiKey;
      try {
        apiKey = apiKeys.verify(secret.get());
      } catch (CatalogUnavailableException e) {
        log.warn("Cannot check an API key: the catalog is unavailable", e);
        ProblemWriter.write(
            response,
            ErrorCode.CATALOG_UNAVAILABLE,
            "the catalog database is unavailable",
            request.getRequestURI());
        return;
      }
      if (apiKey.isPresent()) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new ApiKeyAuthentication(apiKey.get()));
        SecurityContextHolder.setContext(context);
      } else {
        request.setAttribute(REJECTED_TOKEN, Boolean.TRUE);
      }
    }
    chain.doFilter(request, response);
  }

  private static Optional<String> bearerToken(HttpServletRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return Optional.empty();
    }
    String token = header.substring(SCHEME.length()).trim();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }
}
