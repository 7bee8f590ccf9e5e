package dev.featurestore.api.security;

import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemWriter;
import dev.featurestore.core.catalog.CatalogUnavailableException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>}, read by {@link AuthorizationHeader}. A
 * missing, unknown or revoked key leaves the request anonymous; the access rules then answer 401
 * wherever a key is needed. A malformed header is answered at once ({@link
 * Refusal#MALFORMED_AUTHORIZATION}). Nothing is kept between requests, so a revoked key stops
 * working at once.
 */
final class BearerTokenFilter extends OncePerRequestFilter {
  /**
   * Set when a key was presented but not accepted, so that the 401 can say the token is invalid.
   */
  static final String REJECTED_TOKEN = BearerTokenFilter.class.getName() + ".rejected";

  private static final Logger log = LoggerFactory.getLogger(BearerTokenFilter.class);

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
    AuthorizationHeader.Credentials credentials =
        AuthorizationHeader.parse(Optional.ofNullable(request.getHeader(AuthorizationHeader.NAME)));
    if (credentials instanceof AuthorizationHeader.Malformed) {
      Refusal.MALFORMED_AUTHORIZATION.write(response, request.getRequestURI());
      return;
    }
    if (credentials instanceof AuthorizationHeader.BearerKey bearer) {
      Optional<ApiKey> apiKey;
      try {
        apiKey = apiKeys.verify(bearer.secret());
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
}
