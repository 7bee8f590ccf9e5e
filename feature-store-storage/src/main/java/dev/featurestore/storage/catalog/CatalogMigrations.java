package dev.featurestore.storage.catalog;

import dev.featurestore.core.erasure.KeyDigests;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the catalog's Flyway migrations, the SQL ones and {@link KeyedDigestsMigration}, which
 * digests keys with the server's secret (the server relies on Spring Boot's Flyway instead).
 */
public final class CatalogMigrations {
  private CatalogMigrations() {}

  public static MigrateResult apply(DataSource dataSource, KeyDigests digests) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .javaMigrations(new KeyedDigestsMigration(digests))
        .load()
        .migrate();
  }
}
