package dev.featurestore.api.online;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.FeatureGroupChangeListener;
import dev.featurestore.storage.online.OnlineIndexLoader;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class OnlineConfiguration {
  @Bean
  OnlineIndexes onlineIndexes(
      Catalog catalog,
      FeatureGroupReader reader,
      BufferAllocator allocator,
      FeatureStoreProperties properties) {
    return new OnlineIndexes(
        catalog,
        new OnlineIndexLoader(catalog, reader),
        new OnlineMemoryBudget(properties.online().memoryBudget().toBytes()),
        allocator,
        Clock.systemUTC(),
        properties.online().pollInterval());
  }

  /** Commits made through other replicas reach this one's indexes within milliseconds. */
  @Bean(initMethod = "start", destroyMethod = "close")
  FeatureGroupChangeListener featureGroupChangeListener(
      DataSource dataSource, OnlineIndexes indexes) {
    return new FeatureGroupChangeListener(
        dataSource, indexes::catalogChanged, Duration.ofSeconds(1));
  }

  @Bean
  OnlineFeatureLookup onlineFeatureLookup(
      OnlineIndexes indexes, JsonMapper json, FeatureStoreProperties properties) {
    return new OnlineFeatureLookup(indexes, json, properties.online().maxKeys());
  }

  /**
   * The lean listener checks the same bearer keys as the main port: model servers, data scientists
   * and admins may look up features, nobody else.
   */
  @Bean
  OnlineRequestAuthenticator onlineRequestAuthenticator(
      ApiKeys apiKeys, FeatureStoreProperties properties) {
    RecentlyVerifiedKeys verified =
        new RecentlyVerifiedKeys(apiKeys, properties.online().keyCacheTtl(), Clock.systemUTC());
    return header -> {
      Optional<String> authorization = header.apply("Authorization");
      if (authorization.isEmpty() || !authorization.get().startsWith("Bearer ")) {
        return OnlineAccess.UNAUTHENTICATED;
      }
      Optional<ApiKey> key =
          verified.verify(authorization.get().substring("Bearer ".length()).strip());
      if (key.isEmpty()) {
        return OnlineAccess.UNAUTHENTICATED;
      }
      Role role = key.get().role();
      return role == Role.MODEL_SERVER || role == Role.DATA_SCIENTIST || role == Role.ADMIN
          ? OnlineAccess.PERMITTED
          : OnlineAccess.FORBIDDEN;
    };
  }

  @Bean
  OnlineListener onlineListener(
      OnlineFeatureLookup lookup,
      OnlineRequestAuthenticator authenticator,
      JsonMapper json,
      FeatureStoreProperties properties) {
    return new OnlineListener(lookup, authenticator, json, properties.onlinePort());
  }
}
