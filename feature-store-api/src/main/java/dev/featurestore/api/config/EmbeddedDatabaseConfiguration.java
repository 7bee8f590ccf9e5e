package dev.featurestore.api.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
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

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres(FeatureStoreProperties properties) {
    Path dataFolder = DataDirectory.prepareFolder(properties.dataDir(), "postgres");
    try {
      Files.createDirectories(dataFolder);
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataFolder)
              .setCleanDataDirectory(false)
              .start();
      log.info(
          "Embedded PostgreSQL on port {} with data in {}",
          postgres.getPort(),
          dataFolder.toAbsolutePath());
      return postgres;
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationException(
          "feature-store.data-dir (FEATURE_STORE_DATA_DIR)",
          "Cannot start the embedded PostgreSQL in "
              + dataFolder.toAbsolutePath()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Bean(destroyMethod = "close")
  HikariDataSource dataSource(EmbeddedPostgres embeddedPostgres) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(embeddedPostgres.getJdbcUrl("postgres", "postgres"));
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
