package dev.featurestore.api.online;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.online.OnlineMemoryBudget;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.storage.online.OnlineIndexLoader;
import dev.featurestore.storage.read.FeatureGroupReader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class OnlineConfiguration {
  @Bean
  OnlineIndexes onlineIndexes(
      Catalog catalog,
      FeatureGroupReader reader,
      BufferAllocator allocator,
      FeatureStoreProperties properties,
      MeterRegistry registry,
      Tombstones tombstones,
      KeyDigests keyDigests) {
    return new OnlineIndexes(
        catalog,
        new OnlineIndexLoader(
            catalog, reader, allocator, properties.memory().perRequest().toBytes()),
        new OnlineMemoryBudget(properties.online().memoryBudget().toBytes()),
        allocator,
        Clock.systemUTC(),
        properties.online().pollInterval(),
        new OnlineIndexGauges(registry),
        new OnlineTombstones(tombstones, keyDigests));
  }

  /**
   * DOWN while some group's index could not follow the catalog (named with the kind of failure):
   * lookups of that group may serve rows the catalog no longer holds. Not part of readiness, since
   * every replica would fail alike and leave none serving.
   */
  @Bean
  HealthIndicator onlineIndexesHealthIndicator(OnlineIndexes indexes) {
    return () -> {
      Map<String, String> failing = indexes.failingGroups();
      return failing.isEmpty()
          ? Health.up().build()
          : Health.down().withDetail("failingGroups", failing).build();
    };
  }

  @Bean
  OnlineLookupMetrics onlineLookupMetrics(MeterRegistry registry) {
    return new OnlineLookupMetrics(registry);
  }

  @Bean
  OnlineFeatureLookup onlineFeatureLookup(
      OnlineIndexes indexes,
      JsonMapper json,
      FeatureStoreProperties properties,
      OnlineLookupMetrics metrics,
      ReadAccess readAccess,
      ClassifiedLookupAudit classifiedLookupAudit) {
    return new OnlineFeatureLookup(
        indexes, json, properties.online().maxKeys(), metrics, readAccess, classifiedLookupAudit);
  }

  /** Flushed every minute and when the application closes (its close method). */
  @Bean
  ClassifiedLookupAudit classifiedLookupAudit(AuditLog auditLog) {
    return new ClassifiedLookupAudit(auditLog, Clock.systemUTC());
  }

  @Bean
  FilterRegistrationBean<MainPortLookupTiming> mainPortLookupTiming(OnlineLookupMetrics metrics) {
    FilterRegistrationBean<MainPortLookupTiming> registration =
        new FilterRegistrationBean<>(new MainPortLookupTiming(metrics));
    registration.setUrlPatterns(OnlineListener.LOOKUP_PATHS);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    return registration;
  }

  /**
   * Where the online listener checks keys it has not verified recently: two threads, so two pooled
   * connections at most, and a thousand requests waiting per thread (more are answered 503).
   */
  @Bean(destroyMethod = "dispose")
  Scheduler onlineKeyChecks() {
    return Schedulers.newBoundedElastic(2, 1000, "online-key-check");
  }

  @Bean
  OnlineRequestAuthenticator onlineRequestAuthenticator(
      ApiKeys apiKeys, FeatureStoreProperties properties, Scheduler onlineKeyChecks) {
    return new BearerKeyAuthenticator(
        new RecentlyVerifiedKeys(apiKeys, properties.online().keyCacheTtl(), Clock.systemUTC()),
        onlineKeyChecks);
  }

  @Bean
  OnlineListener onlineListener(
      OnlineFeatureLookup lookup,
      OnlineRequestAuthenticator authenticator,
      JsonMapper json,
      ConnectionLimits onlineConnectionLimits,
      FeatureStoreProperties properties) {
    return new OnlineListener(
        lookup,
        authenticator,
        json,
        properties.onlinePort(),
        properties.online().eventLoops(),
        onlineConnectionLimits);
  }

  @Bean
  ConnectionLimits onlineConnectionLimits(FeatureStoreProperties properties) {
    return new ConnectionLimits(
        properties.online().idleTimeout(),
        properties.online().readTimeout(),
        properties.online().maxConnections());
  }
}
