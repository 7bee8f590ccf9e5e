package dev.featurestore.api.online;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.storage.catalog.FeatureGroupChangeListener;
import dev.featurestore.storage.online.OnlineIndexLoader;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.time.Clock;
import java.time.Duration;
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

  @Bean
  OnlineRequestAuthenticator onlineRequestAuthenticator(
      ApiKeys apiKeys, FeatureStoreProperties properties) {
    return new BearerKeyAuthenticator(
        new RecentlyVerifiedKeys(apiKeys, properties.online().keyCacheTtl(), Clock.systemUTC()));
  }

  @Bean
  OnlineListener onlineListener(
      OnlineFeatureLookup lookup,
      OnlineRequestAuthenticator authenticator,
      JsonMapper json,
      FeatureStoreProperties properties) {
    return new OnlineListener(
        lookup, authenticator, json, properties.onlinePort(), properties.online().eventLoops());
  }
}
