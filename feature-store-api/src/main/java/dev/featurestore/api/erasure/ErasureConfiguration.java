package dev.featurestore.api.erasure;

import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.AgeRetention;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.KeyErasure;
import dev.featurestore.core.erasure.PublishedTables;
import dev.featurestore.core.erasure.StoredObjectRewriter;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.models.Models;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetExpiry;
import dev.featurestore.core.training.Uploads;
import dev.featurestore.storage.erasure.JdbcErasureLedger;
import dev.featurestore.storage.erasure.JdbcTombstones;
import dev.featurestore.storage.erasure.ParquetObjectRewriter;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ErasureConfiguration {
  @Bean
  ErasureLedger erasureLedger(DataSource dataSource, KeyDigests keyDigests) {
    return new JdbcErasureLedger(dataSource, keyDigests);
  }

  @Bean
  Tombstones tombstones(DataSource dataSource) {
    return new JdbcTombstones(dataSource);
  }

  @Bean
  KeyErasure keyErasure(
      ErasureLedger ledger,
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Uploads uploads,
      LineageStore lineage,
      Models models,
      StoredObjectRewriter rewriter,
      ObjectStore objectStore,
      PublishedTables publishedTables) {
    return KeyErasure.over(
        ledger,
        catalog,
        trainingSets,
        uploads,
        lineage,
        models,
        rewriter,
        objectStore,
        publishedTables);
  }

  @Bean
  AgeRetention ageRetention(
      ErasureLedger ledger,
      Catalog catalog,
      StoredObjectRewriter rewriter,
      ObjectStore objectStore,
      PublishedTables publishedTables) {
    return AgeRetention.over(ledger, catalog, rewriter, objectStore, publishedTables);
  }

  @Bean
  TrainingSetExpiry trainingSetExpiry(
      TrainingSetCatalog trainingSets, ObjectStore objectStore, AuditLog auditLog) {
    return new TrainingSetExpiry(trainingSets, objectStore, auditLog);
  }

  @Bean
  StoredObjectRewriter storedObjectRewriter(
      FeatureGroupReader reader,
      FeatureGroupWriter writer,
      ObjectStore objectStore,
      ObjectCache cache,
      BufferAllocator allocator,
      FeatureStoreProperties properties,
      TemporaryFolder temporaryFolder,
      SharedThreads threads,
      ParquetCompression compression) {
    // Each object rewritten allocates from its own child of the root, held to the per-request
    // budget as a commit is.
    return new ParquetObjectRewriter(
        reader,
        writer,
        objectStore,
        cache,
        allocator,
        properties.memory().perRequest().toBytes(),
        temporaryFolder.path(),
        compression,
        threads.fileWrites());
  }
}
