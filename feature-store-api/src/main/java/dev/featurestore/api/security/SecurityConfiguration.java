package dev.featurestore.api.security;

import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemWriter;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.Grants;
import dev.featurestore.storage.catalog.JdbcFeatureClassifications;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.storage.security.JdbcGrants;
import jakarta.servlet.DispatcherType;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Stateless bearer-key authentication, the access rules, and problem+json for 401, denials and
 * malformed paths.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {
  @Bean
  ApiKeys apiKeys(DataSource dataSource) {
    return new JdbcApiKeys(dataSource);
  }

  @Bean
  Grants grants(DataSource dataSource) {
    return new JdbcGrants(dataSource);
  }

  @Bean
  ReadAccess readAccess(Grants grants, DataSource dataSource) {
    return new ReadAccess(grants, new JdbcFeatureClassifications(dataSource));
  }

  /**
   * The servlet firewall refuses a malformed path (an empty segment, "..", an encoded slash) before
   * any filter runs; without this the container's error page would answer, not problem+json.
   */
  @Bean
  RequestRejectedHandler requestRejectedHandler() {
    return (request, response, rejected) ->
        ProblemWriter.write(
            response,
            ErrorCode.INVALID_INPUT,
            "the request path is malformed: " + rejected.getMessage(),
            request.getRequestURI());
  }

  @Bean
  SecurityFilterChain securityFilterChain(HttpSecurity http, ApiKeys apiKeys) throws Exception {
    return http.csrf(AbstractHttpConfigurer::disable)
        .httpBasic(AbstractHttpConfigurer::disable)
        .formLogin(AbstractHttpConfigurer::disable)
        .logout(AbstractHttpConfigurer::disable)
        .requestCache(AbstractHttpConfigurer::disable)
        .sessionManagement(
            sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .addFilterBefore(
            new BearerTokenFilter(apiKeys, AccessRules.publicEndpoints()),
            AuthorizationFilter.class)
        .authorizeHttpRequests(
            requests -> {
              // Error pages and the async completion of streamed downloads belong to requests that
              // were already authorized on their first dispatch.
              requests
                  .dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.ASYNC)
                  .permitAll();
              AccessRules.apply(requests);
            })
        .exceptionHandling(
            exceptions ->
                exceptions
                    .authenticationEntryPoint(
                        (request, response, failure) ->
                            (request.getAttribute(BearerTokenFilter.REJECTED_TOKEN) != null
                                    ? Refusal.UNKNOWN_OR_REVOKED_KEY
                                    : Refusal.NO_API_KEY)
                                .write(response, request.getRequestURI()))
                    .accessDeniedHandler(
                        (request, response, denied) ->
                            Refusal.ROLE_MAY_NOT_CALL.write(response, request.getRequestURI())))
        .build();
  }
}
