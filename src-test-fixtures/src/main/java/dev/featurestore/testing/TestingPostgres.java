package dev.featurestore.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
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

  private TestingPostgres(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public static synchronized TestingPostgres instance() {
    if (instance == null) {
      instance = start();
    }
    return instance;
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
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
      return new TestingPostgres(container.getHost(), container.getMappedPort(5432));
    }
    try {
      EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
      return new TestingPostgres("127.0.0.1", postgres.getPort());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException e) {
      // The JVM is exiting; the temporary data folder is cleaned by the next run.
    }
  }

  /** One isolated database: connect with the URL (e.g. a Spring test) or the data source. */
  public record TestDatabase(String jdbcUrl, String user, String password, DataSource dataSource) {}
}
