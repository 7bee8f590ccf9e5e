package dev.featurestore.api.training;

import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.Uploads;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.training.TrainingSetBuilder;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {
  @Bean
  TrainingSetCatalog trainingSetCatalog(DataSource dataSource, ReplicaLease lease) {
    return new JdbcTrainingSetCatalog(dataSource, lease);
  }

  @Bean
  JdbcUploads uploads(DataSource dataSource) {
    return new JdbcUploads(dataSource);
  }

  @Bean
  LineageIndex lineageIndex(DataSource dataSource) {
    return new LineageIndex(dataSource);
  }

  @Bean
  TrainingSetBuilder trainingSetBuilder(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Uploads uploads,
      FeatureGroupReader reader,
      ObjectStore objectStore,
      BufferAllocator allocator,
      TemporaryFolder temporaryFolder,
      LineageIndex lineage) {
    return new TrainingSetBuilder(
        catalog,
        trainingSets,
        uploads,
        reader,
        objectStore,
        allocator,
        temporaryFolder.path(),
        JoinOptions.DEFAULT,
        lineage);
  }
}
