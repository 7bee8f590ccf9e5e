package dev.featurestore.api;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Where a full-stack test's server keeps its state: a catalog and a data folder of its own. */
public final class TestCatalogs {
  /** The digests of the test servers: the secret of config/application.properties. */
  public static final KeyDigests KEY_DIGESTS =
      KeyDigests.ofSecret("the key digest secret of the api tests, 32+ bytes");

  private TestCatalogs() {}

  /** Points the server at a fresh database of the shared test Postgres and at {@code dataDir}. */
  public static void useFreshCatalog(DynamicPropertyRegistry registry, Path dataDir) {
    TestingPostgres.TestDatabase database = sharedPostgres().createDatabase();
    registry.add("spring.datasource.url", database::jdbcUrl);
    registry.add("spring.datasource.username", database::user);
    registry.add("spring.datasource.password", database::password);
    registry.add("feature-store.data-dir", dataDir::toString);
  }

  /**
   * The test JVM's Postgres, stopped at exit after Spring closed the cached test contexts: stopped
   * beside them (JVM shutdown hooks run at once), it left every context's pool retrying connections
   * while it closed, and the fork outlived surefire's 30 s after System.exit.
   */
  public static TestingPostgres sharedPostgres() {
    return TestingPostgres.instance().stopVia(SpringApplication.getShutdownHandlers()::add);
  }
}
