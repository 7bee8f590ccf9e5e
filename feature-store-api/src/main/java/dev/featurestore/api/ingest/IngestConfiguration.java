package dev.featurestore.api.ingest;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.ingest.FeatureGroupCompactor;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.OrphanJanitor;
import dev.featurestore.core.ingest.ReplacedFileRetention;
import dev.featurestore.core.ingest.RowFormat;
import dev.featurestore.core.ingest.RowFormats;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.parquet.ParquetFeatureFileFormat;
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
  RowFormats rowFormats() {
    return contentType -> UploadFormat.ofContentType(contentType).map(RowFormat.class::cast);
  }

  @Bean
  FeatureGroupWriter featureGroupWriter(
      Catalog catalog,
      ObjectStore objectStore,
      BufferAllocator allocator,
      SharedThreads threads,
      UploadLimits uploadLimits,
      FeatureStoreProperties properties,
      TemporaryFolder temporaryFolder,
      Tombstones tombstones,
      KeyDigests keyDigests,
      ParquetCompression compression) {
    return new FeatureGroupWriter(
        catalog,
        objectStore,
        new ParquetFeatureFileFormat(compression, threads.fileWrites()),
        allocator,
        threads.fileWrites(),
        Clock.systemUTC(),
        FeatureGroupWriter.Settings.of(temporaryFolder.path(), properties.allowedFutureSkew())
            .withLimits(uploadLimits)
            .withMemoryPerRequest(properties.memory().perRequest().toBytes()),
        tombstones,
        keyDigests);
  }

  /** A compaction holds at most the Arrow memory of one commit. */
  @Bean
  FeatureGroupCompactor featureGroupCompactor(
      Catalog catalog,
      ObjectStore objectStore,
      FeatureGroupWriter writer,
      FeatureGroupReader reader,
      BufferAllocator allocator,
      FeatureStoreProperties properties) {
    return new FeatureGroupCompactor(
        catalog,
        objectStore,
        reader,
        writer,
        allocator,
        properties.memory().perRequest().toBytes());
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
