package dev.featurestore.api.security;

import static dev.featurestore.core.security.Role.COMPLIANCE;
import static dev.featurestore.core.security.Role.DATA_SCIENTIST;
import static dev.featurestore.core.security.Role.MODEL_SERVER;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.HEAD;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;
import static org.springframework.http.HttpMethod.PUT;

import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Who may call what: the server's access rules in one table (docs/security.md shows it too), and
 * the one decision both ports take from it ({@link #permits}).
 *
 * <p>ADMIN may call everything and is not repeated in the table. Any request the table does not
 * list is ADMIN-only: access is denied by default. A caller whose role may not use an endpoint gets
 * the same 404 as for an unknown path ({@link Refusal#ROLE_MAY_NOT_CALL}), so that nobody learns
 * what exists from being refused.
 */
public final class AccessRules {
  /**
   * Open to anyone without a key: probes, metrics, the API's description and the browser console's
   * pages and files (the console holds no data; it calls the API with the key its user gives).
   */
  static final List<String> PUBLIC_PATHS =
      List.of(
          "/console/**",
          "/actuator/health",
          "/actuator/health/**",
          "/actuator/prometheus",
          "/v3/api-docs",
          "/v3/api-docs/**",
          "/swagger-ui.html",
          "/swagger-ui/**");

  /**
   * One line per endpoint family: method, path pattern, the roles besides ADMIN that may call it.
   */
  static final List<Rule> RULES =
      List.of(
          // Model servers read online features, nothing else.
          new Rule(POST, "/api/v1/online-features", DATA_SCIENTIST, MODEL_SERVER),
          new Rule(POST, "/get-online-features", DATA_SCIENTIST, MODEL_SERVER),
          // Definitions and data: data scientists write, compliance reads.
          // Any key may search the catalog's names and documentation (never values).
          new Rule(GET, "/api/v1/search", DATA_SCIENTIST, MODEL_SERVER, COMPLIANCE),
          new Rule(GET, "/api/v1/entities/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/entities", DATA_SCIENTIST),
          new Rule(PATCH, "/api/v1/entities/*", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/feature-groups/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/feature-groups", DATA_SCIENTIST),
          new Rule(PATCH, "/api/v1/feature-groups/*", DATA_SCIENTIST),
          new Rule(POST, "/api/v1/feature-groups/*/commits", DATA_SCIENTIST),
          new Rule(POST, "/api/v1/feature-groups/*/compactions", DATA_SCIENTIST),
          // Archiving can be undone; deleting a group (DELETE, no rule) is the administrator's.
          new Rule(POST, "/api/v1/feature-groups/*/archive", DATA_SCIENTIST),
          new Rule(POST, "/api/v1/feature-groups/*/unarchive", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/feature-group-deletions/*", COMPLIANCE),
          new Rule(POST, "/api/v1/uploads", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/uploads/*", DATA_SCIENTIST, COMPLIANCE),
          new Rule(GET, "/api/v1/training-sets/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/training-sets", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/models/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/models", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/jobs/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(GET, "/api/v1/online-indexes", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/jobs/*/cancel", DATA_SCIENTIST),
          // Lineage of models and groups is part of a data scientist's work; lineage by key is not.
          new Rule(GET, "/api/v1/lineage/models/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(GET, "/api/v1/lineage/feature-groups/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(GET, "/api/v1/lineage/entities/**", COMPLIANCE),
          new Rule(POST, "/api/v1/erasures", COMPLIANCE),
          new Rule(POST, "/api/v1/erasures/preview", COMPLIANCE),
          new Rule(GET, "/api/v1/erasures/**", COMPLIANCE),
          new Rule(DELETE, "/api/v1/tombstones/*/*", COMPLIANCE),
          new Rule(GET, "/api/v1/audit", COMPLIANCE),
          new Rule(GET, "/api/v1/subjects/**", COMPLIANCE),
          // Administrators give and withdraw grants; compliance sees who holds which.
          new Rule(GET, "/api/v1/grants", COMPLIANCE),
          // The Iceberg REST catalog reads what the feature-group and training-set reads read; its
          // writes are answered (refused) by the catalog itself, in Iceberg's error model.
          new Rule(GET, "/iceberg/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(HEAD, "/iceberg/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/iceberg/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(PUT, "/iceberg/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(DELETE, "/iceberg/**", DATA_SCIENTIST, COMPLIANCE),
          // Any key may see itself (its name and role); the others are the administrator's alone.
          new Rule(GET, "/api/v1/api-keys/current", DATA_SCIENTIST, MODEL_SERVER, COMPLIANCE),
          new Rule(GET, "/api/v1/api-keys"),
          new Rule(POST, "/api/v1/api-keys"),
          new Rule(DELETE, "/api/v1/api-keys/*"));

  private AccessRules() {}

  /**
   * @param path the pattern, as Spring's {@code PathPatternRequestMatcher} reads it
   * @param roles the roles, besides ADMIN, allowed to call it
   */
  record Rule(HttpMethod method, PathPattern path, Set<Role> roles) {
    Rule(HttpMethod method, String path, Role... roles) {
      this(method, PathPatternParser.defaultInstance.parse(path), Set.of(roles));
    }
  }

  /**
   * Whether a key of {@code role} may call {@code method path}: the first rule that matches
   * decides, none matching leaves the call to ADMIN.
   *
   * @param path the request's path, without query
   */
  public static boolean permits(Role role, HttpMethod method, String path) {
    if (role == Role.ADMIN) {
      return true;
    }
    PathContainer requestPath = PathContainer.parsePath(path);
    for (Rule rule : RULES) {
      if (rule.method().equals(method) && rule.path().matches(requestPath)) {
        return rule.roles().contains(role);
      }
    }
    return false;
  }

  static RequestMatcher publicEndpoints() {
    return new OrRequestMatcher(
        PUBLIC_PATHS.stream()
            .map(path -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(path))
            .toList());
  }

  static void apply(
      AuthorizeHttpRequestsConfigurer<?>.AuthorizationManagerRequestMatcherRegistry requests) {
    requests.requestMatchers(publicEndpoints()).permitAll();
    requests.anyRequest().access(AccessRules::decide);
  }

  /** An anonymous caller is refused too: Spring then answers 401, not the 404 of a role. */
  private static AuthorizationDecision decide(
      Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
    HttpServletRequest request = context.getRequest();
    String path = request.getRequestURI().substring(request.getContextPath().length());
    return new AuthorizationDecision(
        authentication.get().getPrincipal() instanceof ApiKey key
            && permits(key.role(), HttpMethod.valueOf(request.getMethod()), path));
  }
}
