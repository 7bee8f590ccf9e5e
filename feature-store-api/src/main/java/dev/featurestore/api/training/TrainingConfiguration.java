package dev.featurestore.api.training;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.read.FeatureGroupVersions;
import dev.featurestore.core.training.SpineUploader;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetDownloads;
import dev.featurestore.core.training.Uploads;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.ingest.SpineFileFormats;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.storage.spark.SparkConnectJoin;
import dev.featurestore.storage.training.ObjectStoreSpineUploads;
import dev.featurestore.storage.training.ParquetTrainingSetDownloads;
import dev.featurestore.storage.training.ParquetTrainingSetOutputs;
import java.util.Optional;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
  SpineUploader spineUploader(
      Uploads uploads, ObjectStore objectStore, BufferAllocator allocator, UploadLimits limits) {
    return new SpineUploader(uploads, objectStore, new SpineFileFormats(), allocator, limits);
  }

  @Bean
  LineageIndex lineageIndex(DataSource dataSource, KeyDigests keyDigests) {
    return new LineageIndex(dataSource, keyDigests);
  }

  @Bean
  TrainingSetDownloads trainingSetDownloads(ObjectCache cache, BufferAllocator allocator) {
    return new ParquetTrainingSetDownloads(cache, allocator);
  }

  @Bean
  PointInTimeJoinEngine joinEngine(
      BufferAllocator allocator, FeatureStoreProperties properties, SharedThreads threads) {
    return new PointInTimeJoinEngine(allocator, properties.join().options(), threads.joins());
  }

  /** The Spark Connect client, when a server is configured; its channel closes with the context. */
  @Bean
  @ConditionalOnProperty("feature-store.spark.connect-url")
  SparkConnectJoin sparkConnectJoin(FeatureStoreProperties properties, BufferAllocator allocator) {
    return SparkConnectJoin.connect(
        properties.spark().connectUrl().orElseThrow(), properties.objectUris(), allocator);
  }

  @Bean
  TrainingSetBuilder trainingSetBuilder(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Uploads uploads,
      FeatureGroupVersions versions,
      ObjectStore objectStore,
      BufferAllocator allocator,
      TemporaryFolder temporaryFolder,
      PointInTimeJoinEngine joinEngine,
      LineageStore lineage,
      SharedThreads threads,
      ParquetCompression compression,
      ObjectProvider<SparkConnectJoin> sparkJoin) {
    return new TrainingSetBuilder(
        catalog,
        trainingSets,
        uploads,
        versions,
        new ObjectStoreSpineUploads(objectStore, temporaryFolder.path()),
        new ParquetTrainingSetOutputs(
            objectStore, temporaryFolder.path(), compression, threads.fileWrites()),
        allocator,
        joinEngine,
        lineage,
        Optional.ofNullable(sparkJoin.getIfAvailable()));
  }
}
