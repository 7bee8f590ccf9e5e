package dev.featurestore.api.lineage;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.lineage.LineageQueries;
import dev.featurestore.storage.read.FeatureGroupReader;
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
  LineageQueries lineageQueries(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      JdbcModels models,
      LineageIndex index,
      FeatureGroupReader reader) {
    return new LineageQueries(catalog, trainingSets, models, index, reader);
  }
}
