package dev.featurestore.api.ingest;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.ingest.FeatureGroupCompactor;
import dev.featurestore.storage.ingest.FeatureGroupWriter;
import dev.featurestore.storage.ingest.OrphanJanitor;
import dev.featurestore.storage.ingest.ReplacedFileRetention;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import java.time.Clock;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
class IngestConfiguration {
  @Bean
  UploadSpooler uploadSpooler(FeatureStoreProperties properties, TemporaryFolder temporaryFolder) {
    return new UploadSpooler(temporaryFolder.path(), properties.maxUploadSize().toBytes());
  }

  @Bean
  UploadLimits uploadLimits(FeatureStoreProperties properties) {
    return properties.limits().uploads();
  }

  @Bean
  FeatureGroupWriter featureGroupWriter(
      Catalog catalog,
      ObjectStore objectStore,
      BufferAllocator allocator,
      UploadLimits uploadLimits,
      FeatureStoreProperties properties,
      TemporaryFolder temporaryFolder) {
    return new FeatureGroupWriter(
        catalog,
        objectStore,
        allocator,
        temporaryFolder.path(),
        properties.allowedFutureSkew(),
        Clock.systemUTC(),
        uploadLimits,
        properties.memory().perRequest().toBytes());
  }

  @Bean
  FeatureGroupCompactor featureGroupCompactor(
      Catalog catalog,
      ObjectStore objectStore,
      FeatureGroupWriter writer,
      FeatureGroupReader reader,
      BufferAllocator allocator) {
    return new FeatureGroupCompactor(catalog, objectStore, reader, writer, allocator);
  }

  @Bean
  AutoCompaction autoCompaction(
      FeatureGroupCompactor compactor, FeatureStoreProperties properties) {
    return new AutoCompaction(compactor, properties.compaction().smallFiles());
  }

  @Bean
  OrphanJanitor orphanJanitor(
      Catalog catalog, ObjectStore objectStore, FeatureStoreProperties properties) {
    return new OrphanJanitor(
        catalog, objectStore, properties.orphanGracePeriod(), Clock.systemUTC());
  }

  @Bean
  ReplacedFileRetention replacedFileRetention(
      Catalog catalog,
      ObjectStore objectStore,
      ObjectCache objectCache,
      FeatureStoreProperties properties) {
    return new ReplacedFileRetention(
        catalog,
        objectStore,
        objectCache,
        properties.retention().replacedFiles(),
        Clock.systemUTC());
  }
}
