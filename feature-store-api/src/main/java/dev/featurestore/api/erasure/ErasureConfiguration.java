package dev.featurestore.api.erasure;

import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.erasure.JdbcErasures;
import dev.featurestore.storage.erasure.KeyEraser;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ErasureConfiguration {
  @Bean
  JdbcErasures erasures(DataSource dataSource) {
    return new JdbcErasures(dataSource);
  }

  @Bean
  KeyEraser keyEraser(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      JdbcModels models,
      JdbcUploads uploads,
      JdbcErasures erasures,
      LineageIndex lineage,
      FeatureGroupReader reader,
      FeatureGroupWriter writer,
      ObjectStore objectStore,
      ObjectCache cache,
      BufferAllocator allocator,
      TemporaryFolder temporaryFolder,
      SharedThreads threads) {
    return new KeyEraser(
        catalog,
        trainingSets,
        models,
        uploads,
        erasures,
        lineage,
        reader,
        writer,
        objectStore,
        cache,
        allocator,
        temporaryFolder.path(),
        threads.fileWrites());
  }
}
