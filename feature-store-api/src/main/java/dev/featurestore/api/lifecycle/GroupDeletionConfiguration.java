package dev.featurestore.api.lifecycle;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lifecycle.FeatureGroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletionLedger;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcGroupDeletionLedger;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class GroupDeletionConfiguration {
  @Bean
  GroupDeletionLedger groupDeletionLedger(DataSource dataSource) {
    return new JdbcGroupDeletionLedger(dataSource);
  }

  @Bean
  FeatureGroupDeletion featureGroupDeletion(
      Catalog catalog,
      GroupDeletionLedger ledger,
      TrainingSetCatalog trainingSets,
      Models models,
      ObjectStore objectStore) {
    return new FeatureGroupDeletion(catalog, ledger, trainingSets, models, objectStore);
  }
}
