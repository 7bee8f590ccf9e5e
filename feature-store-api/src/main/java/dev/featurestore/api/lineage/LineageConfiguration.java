package dev.featurestore.api.lineage;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.models.ModelRegistry;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.read.FeatureGroupVersions;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class LineageConfiguration {
  @Bean
  JdbcModels models(DataSource dataSource) {
    return new JdbcModels(dataSource);
  }

  @Bean
  ModelRegistry modelRegistry(Models models, TrainingSetCatalog trainingSets) {
    return new ModelRegistry(models, trainingSets, Clock.systemUTC());
  }

  @Bean
  LineageQueries lineageQueries(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Models models,
      LineageStore lineage,
      FeatureGroupVersions versions) {
    return new LineageQueries(catalog, trainingSets, models, lineage, versions);
  }
}
