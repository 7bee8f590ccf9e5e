package dev.featurestore.api.config;

import dev.featurestore.api.online.OnlineIndexes;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.storage.catalog.CatalogChangeListener;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Changes made through other replicas reach this one within milliseconds: commits and schema
 * changes its online indexes, grants and classifications its read decisions. One pooled connection
 * listens for all of them.
 */
@Configuration(proxyBeanMethods = false)
class CatalogChangesConfiguration {
  @Bean(initMethod = "start", destroyMethod = "close")
  CatalogChangeListener catalogChangeListener(
      DataSource dataSource, OnlineIndexes indexes, ReadAccess readAccess) {
    return new CatalogChangeListener(
        dataSource,
        Map.of(
            CatalogChangeListener.FEATURE_GROUP_CHANGES, indexes::catalogChanged,
            CatalogChangeListener.READ_ACCESS_CHANGES, readAccess::changed),
        Duration.ofSeconds(1));
  }
}
