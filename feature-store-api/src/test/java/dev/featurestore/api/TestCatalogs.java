package dev.featurestore.api;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.testing.TestingPostgres;
import dev.featurestore.testing.TestingS3Server;
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

  /** As {@link #useFreshCatalog}, with objects in a fresh bucket of the test JVM's S3 server. */
  public static void useFreshCatalogOnS3(DynamicPropertyRegistry registry, Path dataDir) {
    useFreshCatalog(registry, dataDir);
    TestingS3Server s3 = TestingS3Server.instance();
    String bucket = s3.createBucket();
    registry.add("feature-store.s3.endpoint", () -> s3.endpoint().toString());
    registry.add("feature-store.s3.bucket", () -> bucket);
    registry.add("feature-store.s3.region", s3::region);
    registry.add("feature-store.s3.access-key", s3::accessKey);
    registry.add("feature-store.s3.secret-key", s3::secretKey);
  }

  /**
   * The test JVM's Postgres, stopped at exit after Spring closed the cached test contexts: stopped
   * beside them (JVM shutdown hooks run at once), it left every context's pool retrying connections
   * while it closed, and the fork outlived surefire's 30 s after System.exit. Only for JVMs that
   * run a SpringApplication: Spring adds its shutdown hook, which runs these handlers, only then; a
   * benchmark whose server runs in another JVM calls {@link TestingPostgres#instance} instead.
   */
  public static TestingPostgres sharedPostgres() {
    return TestingPostgres.instance().stopVia(SpringApplication.getShutdownHandlers()::add);
  }
}
