package dev.featurestore.api.discovery;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.discovery.Discovery;
import dev.featurestore.storage.discovery.JdbcCatalogSearch;
import dev.featurestore.storage.discovery.JdbcFileStatistics;
import dev.featurestore.storage.read.FeatureGroupReader;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DiscoveryConfiguration {
  @Bean
  Discovery discovery(
      Catalog catalog,
      DataSource dataSource,
      FeatureGroupReader reader,
      BufferAllocator allocator) {
    return new Discovery(
        catalog,
        new JdbcCatalogSearch(dataSource),
        new JdbcFileStatistics(dataSource),
        reader,
        allocator);
  }
}
