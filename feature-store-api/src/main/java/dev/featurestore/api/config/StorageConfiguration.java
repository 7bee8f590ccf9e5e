package dev.featurestore.api.config;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.memory.RecyclingAllocationManager;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.objectstore.MultipartPolicy;
import dev.featurestore.storage.objectstore.S3ObjectStore;
import dev.featurestore.storage.objectstore.S3Settings;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import javax.sql.DataSource;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The catalog and the object store: S3 when configured, else local disk under the data folder. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FeatureStoreProperties.class)
class StorageConfiguration {
  private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

  /**
   * The root of every Arrow allocation; requests and jobs take child allocators from it. Freed
   * blocks are kept for reuse (see {@link RecyclingAllocationManager} for why).
   */
  @Bean(destroyMethod = "close")
  BufferAllocator arrowAllocator() {
    return RecyclingAllocationManager.newRootAllocator();
  }

  /** Created before anything writes temporary files, so that emptying it removes only leftovers. */
  @Bean
  TemporaryFolder temporaryFolder(FeatureStoreProperties properties) {
    return DataDirectory.prepareEmptyTemporaryFolder(properties.dataDir());
  }

  @Bean
  Catalog catalog(DataSource dataSource, MeterRegistry registry) {
    return FailureCounting.wrap(
        Catalog.class,
        new JdbcCatalog(dataSource),
        registry,
        "feature_store.catalog.errors",
        "Catalog operations that failed, by operation and exception");
  }

  @Bean
  ObjectStore objectStore(FeatureStoreProperties properties, MeterRegistry registry) {
    return FailureCounting.wrap(
        ObjectStore.class,
        checkedObjectStore(properties),
        registry,
        "feature_store.object_store.errors",
        "Object-store operations that failed, by operation and exception");
  }

  private static ObjectStore checkedObjectStore(FeatureStoreProperties properties) {
    ObjectStore store =
        properties.s3().configured()
            ? s3ObjectStore(properties.s3())
            : new LocalDiskObjectStore(
                DataDirectory.prepareFolder(properties.dataDir(), "objects"));
    try {
      store.checkAvailable();
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationException(
          properties.s3().configured()
              ? "feature-store.s3.endpoint / feature-store.s3.bucket (FEATURE_STORE_S3_ENDPOINT,"
                  + " FEATURE_STORE_S3_BUCKET)"
              : "feature-store.data-dir (FEATURE_STORE_DATA_DIR)",
          "The object store at " + store.location() + " cannot be used: " + e.getMessage(),
          e);
    }
    log.info("Object store: {}", store.location());
    return store;
  }

  private static ObjectStore s3ObjectStore(FeatureStoreProperties.S3 s3) {
    String bucket =
        s3.bucket()
            .orElseThrow(
                () ->
                    new InvalidConfigurationException(
                        "feature-store.s3.bucket (FEATURE_STORE_S3_BUCKET)",
                        "S3 storage is configured but no bucket is set"));
    String accessKey =
        s3.accessKey()
            .orElseThrow(
                () ->
                    new InvalidConfigurationException(
                        "feature-store.s3.access-key (FEATURE_STORE_S3_ACCESS_KEY)",
                        "S3 storage is configured but no access key is set"));
    String secretKey =
        s3.secretKey()
            .orElseThrow(
                () ->
                    new InvalidConfigurationException(
                        "feature-store.s3.secret-key (FEATURE_STORE_S3_SECRET_KEY)",
                        "S3 storage is configured but no secret key is set"));
    long threshold = s3.multipartThreshold().toBytes();
    return new S3ObjectStore(
        new S3Settings(
            s3.endpoint().map(URI::create),
            bucket,
            s3.region(),
            accessKey,
            secretKey,
            s3.pathStyle()),
        new MultipartPolicy(
            threshold,
            (int)
                Math.max(MultipartPolicy.MINIMUM_PART_SIZE_BYTES, Math.min(threshold, 64 << 20))));
  }

  /**
   * The one local cache of objects (feature files, training-set outputs) of this server: every
   * reader shares it, so that an erasure and {@link ObjectCache#sweep} find every copy.
   */
  @Bean
  ObjectCache objectCache(ObjectStore objectStore, FeatureStoreProperties properties)
      throws IOException {
    return new ObjectCache(objectStore, DataDirectory.prepareFolder(properties.dataDir(), "cache"));
  }

  @Bean
  SharedThreads sharedThreads(FeatureStoreProperties properties) {
    return SharedThreads.of(properties);
  }

  @Bean
  FeatureGroupReader featureGroupReader(
      Catalog catalog, ObjectCache objectCache, BufferAllocator allocator, SharedThreads threads) {
    return new FeatureGroupReader(catalog, objectCache, allocator, threads.fileReads());
  }

  @Bean
  AbstractHealthIndicator objectStoreHealthIndicator(ObjectStore objectStore) {
    return new AbstractHealthIndicator("object store health check failed") {
      @Override
      protected void doHealthCheck(Health.Builder builder) throws Exception {
        objectStore.checkAvailable();
        builder.up().withDetail("location", objectStore.location());
      }
    };
  }
}
