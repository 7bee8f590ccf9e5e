package dev.featurestore.storage.catalog;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the catalog's Flyway migrations (the server relies on Spring Boot's Flyway instead). */
public final class CatalogMigrations {
  private CatalogMigrations() {}

  public static MigrateResult apply(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
