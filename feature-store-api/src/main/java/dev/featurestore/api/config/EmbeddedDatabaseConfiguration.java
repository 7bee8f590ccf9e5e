package dev.featurestore.api.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The embedded default: when no {@code spring.datasource.url} is set, the server runs real
 * PostgreSQL binaries (from Maven Central) on a data folder under {@code feature-store.data-dir},
 * so the catalog survives restarts and nothing but a JDK is needed.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseConfiguration.NoDatasourceUrl.class)
class EmbeddedDatabaseConfiguration {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

  /** The running PostgreSQL and the password that opens it. */
  record EmbeddedCatalog(EmbeddedPostgres postgres, String password) implements Closeable {
    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }

  @Bean(destroyMethod = "close")
  EmbeddedCatalog embeddedCatalog(FeatureStoreProperties properties) {
    Path dataDir = DataDirectory.prepare(properties.dataDir());
    Path dataFolder = DataDirectory.prepareFolder(dataDir, "postgres");
    OrphanedPostmaster.stopIfRunning(dataFolder);
    String password = EmbeddedCatalogAccess.password(dataDir, dataFolder);
    EmbeddedPostgres postgres = start(dataFolder, password);
    try {
      EmbeddedCatalogAccess.requirePassword(postgres.getPostgresDatabase(), dataFolder, password);
    } catch (RuntimeException e) {
      closeAfterFailure(postgres, e);
      throw e;
    }
    log.info("Embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dataFolder);
    return new EmbeddedCatalog(postgres, password);
  }

  private static void closeAfterFailure(EmbeddedPostgres postgres, RuntimeException failure) {
    try {
      postgres.close();
    } catch (IOException closeFailure) {
      failure.addSuppressed(closeFailure);
    }
  }

  private static EmbeddedPostgres start(Path dataFolder, String password) {
    try {
      return EmbeddedPostgres.builder()
          .setDataDirectory(dataFolder)
          .setCleanDataDirectory(false)
          .setConnectConfig("password", password)
          // The binaries' defaults trade durability for speed (fsync off, asynchronous commits):
          // an OS crash could lose acknowledged commits.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          // Stopped by the context (this bean's close), after everything that uses it. Its own JVM
          // shutdown hook would stop it at Ctrl-C while the server still shuts down on it.
          .setRegisterShutdownHook(false)
          .start();
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationException(
          "feature-store.data-dir (FEATURE_STORE_DATA_DIR)",
          "Cannot start the embedded PostgreSQL in " + dataFolder + ": " + e.getMessage(),
          e);
    }
  }

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(EmbeddedCatalog catalog) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(catalog.postgres().getJdbcUrl(EmbeddedCatalogAccess.USER, "postgres"));
    pool.setPassword(catalog.password());
    pool.setPoolName("catalog");
    return pool;
  }

  /** Matches when {@code spring.datasource.url} is unset or blank. */
  static class NoDatasourceUrl implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String url = context.getEnvironment().getProperty("spring.datasource.url");
      return url == null || url.isBlank();
    }
  }
}
