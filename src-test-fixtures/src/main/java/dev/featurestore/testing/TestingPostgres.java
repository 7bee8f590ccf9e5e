package dev.featurestore.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server per test JVM, started on first use: a Testcontainers container when a
 * Docker engine runs, else the embedded binaries from Maven Central. Tests isolate themselves with
 * {@link #createDatabase()}, which is much cheaper than a server per test class.
 */
public final class TestingPostgres {
  private static final String USER = "postgres";
  private static final String PASSWORD = "postgres";
  private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();

  private static TestingPostgres instance;

  private final String host;
  private final int port;
  private final Runnable stop;

  /** The JVM shutdown hook that stops the server, until {@link #stopVia} hands the stop on. */
  private Thread stopAtExit;

  private TestingPostgres(String host, int port, Runnable stop) {
    this.host = host;
    this.port = port;
    this.stop = stop;
    this.stopAtExit = new Thread(stop, "stop-test-postgres");
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  public static synchronized TestingPostgres instance() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /**
   * Has {@code stopper} stop the server at exit instead of a JVM shutdown hook of its own. JVM
   * shutdown hooks all run at once, so servers of the tests still closing in another hook (Spring's
   * application contexts) would meet a stopped database and wait on it: give the stop to a hook
   * that runs after them (Spring's shutdown handlers run once every context is closed).
   */
  public synchronized TestingPostgres stopVia(Consumer<Runnable> stopper) {
    if (stopAtExit != null) {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
      stopAtExit = null;
      stopper.accept(stop);
    }
    return this;
  }

  /** A new empty database on the shared server. */
  public synchronized TestDatabase createDatabase() {
    String name =
        "test_" + ProcessHandle.current().pid() + "_" + DATABASE_COUNTER.incrementAndGet();
    try (Connection connection = dataSource("postgres").getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new TestDatabase(jdbcUrl(name), USER, PASSWORD, dataSource(name));
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  private DataSource dataSource(String database) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(jdbcUrl(database));
    dataSource.setUser(USER);
    dataSource.setPassword(PASSWORD);
    return dataSource;
  }

  private static TestingPostgres start() {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      PostgreSQLContainer container =
          new PostgreSQLContainer("postgres:18-alpine")
              .withUsername(USER)
              .withPassword(PASSWORD)
              .withDatabaseName("postgres");
      container.start();
      return new TestingPostgres(
          container.getHost(), container.getMappedPort(5432), container::stop);
    }
    try {
      // Stopped by this class's own hook (see stopVia), not by one of the library's. The data
      // folder (hundreds of thousands of files after a suite) is left for the library to remove
      // at the next start: deleting it at exit outlasted the test fork's 30 seconds to exit.
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setRegisterShutdownHook(false)
              .setCleanDataDirectory(false)
              .start();
      return new TestingPostgres("127.0.0.1", postgres.getPort(), () -> closeQuietly(postgres));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the data folder is cleaned by the next run.
    }
  }

  /** One isolated database: connect with the URL (e.g. a Spring test) or the data source. */
  public record TestDatabase(String jdbcUrl, String user, String password, DataSource dataSource) {}
}
