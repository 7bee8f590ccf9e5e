package dev.featurestore.api.security;

import static dev.featurestore.core.security.Role.COMPLIANCE;
import static dev.featurestore.core.security.Role.DATA_SCIENTIST;
import static dev.featurestore.core.security.Role.MODEL_SERVER;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.PATCH;
import static org.springframework.http.HttpMethod.POST;

import dev.featurestore.core.security.Role;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call what: the server's access rules in one table (docs/security.md shows it too).
 *
 * <p>ADMIN may call everything and is not repeated in the table. Any request the table does not
 * list is ADMIN-only: access is denied by default. A caller whose role may not use an endpoint gets
 * the same 404 as for an unknown path, so that nobody learns what exists from being refused.
 */
final class AccessRules {
  /** Open to anyone without a key: probes, metrics and the API's description. */
  static final List<String> PUBLIC_PATHS =
      List.of(
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
          new Rule(GET, "/api/v1/entities/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/entities", DATA_SCIENTIST),
          new Rule(GET, "/api/v1/feature-groups/**", DATA_SCIENTIST, COMPLIANCE),
          new Rule(POST, "/api/v1/feature-groups", DATA_SCIENTIST),
          new Rule(PATCH, "/api/v1/feature-groups/*", DATA_SCIENTIST),
          new Rule(POST, "/api/v1/feature-groups/*/commits", DATA_SCIENTIST),
          new Rule(POST, "/api/v1/feature-groups/*/compactions", DATA_SCIENTIST),
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
          new Rule(GET, "/api/v1/erasures/**", COMPLIANCE),
          new Rule(GET, "/api/v1/audit", COMPLIANCE),
          // Keys are the administrator's alone.
          new Rule(GET, "/api/v1/api-keys"),
          new Rule(POST, "/api/v1/api-keys"),
          new Rule(DELETE, "/api/v1/api-keys/*"));

  private AccessRules() {}

  /**
   * @param roles the roles, besides ADMIN, allowed to call it
   */
  record Rule(HttpMethod method, String path, Set<Role> roles) {
    Rule(HttpMethod method, String path, Role... roles) {
      this(method, path, Set.of(roles));
    }

    String[] rolesWithAdmin() {
      return Stream.concat(Stream.of(Role.ADMIN), roles.stream().sorted())
          .map(Role::name)
          .toArray(String[]::new);
    }
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
    for (Rule rule : RULES) {
      requests.requestMatchers(rule.method(), rule.path()).hasAnyRole(rule.rolesWithAdmin());
    }
    requests.anyRequest().hasRole(Role.ADMIN.name());
  }
}
