package dev.featurestore.api;

import dev.featurestore.testing.TestingPostgres;
import java.nio.file.Path;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Where a full-stack test's server keeps its state: a catalog and a data folder of its own. */
public final class TestCatalogs {
  private TestCatalogs() {}

  /** Points the server at a fresh database of the shared test Postgres and at {@code dataDir}. */
  public static void useFreshCatalog(DynamicPropertyRegistry registry, Path dataDir) {
    TestingPostgres.TestDatabase database = TestingPostgres.instance().createDatabase();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add("spring.datasource.password", database::password);
    registry.add("feature-store.data-dir", dataDir::toString);
  }
}
