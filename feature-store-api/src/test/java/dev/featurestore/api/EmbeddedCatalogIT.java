package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.objectstore.ObjectStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default is closed and durable: only the password in the data folder opens its
 * PostgreSQL, commits reach the disk, the data folder is its owner's alone, and a server killed
 * with SIGKILL starts again at the first attempt.
 */
// Not beside the other classes (junit-platform.properties): most of these servers run in this JVM,
// and two Spring applications starting or closing at once on two threads reset each other's logging
// (Logback's context is one per JVM); StartupIT failed on it once.
class EmbeddedCatalogIT {
  @TempDir Path dataDir;

  @Test
  void connectionsWithoutThePasswordAreRefused() throws Exception {
    try (ConfigurableApplicationContext server = start()) {
      String url = server.getBean(HikariDataSource.class).getJdbcUrl();

      assertThatThrownBy(() -> DriverManager.getConnection(url).close())
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess").close())
          .isInstanceOf(SQLException.class);
      try (Connection connection = DriverManager.getConnection(url, "postgres", password())) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  @Test
  void aFolderThatTrustedLocalConnectionsIsSwitchedToThePassword() throws Exception {
    // What earlier versions left: a folder initialised to trust every local connection.
    Path postgresFolder = Files.createDirectories(dataDir.resolve("postgres"));
    EmbeddedPostgres.builder()
        .setDataDirectory(postgresFolder)
        .setCleanDataDirectory(false)
        .start()
        .close();

    try (ConfigurableApplicationContext server = start()) {
      String url = server.getBean(HikariDataSource.class).getJdbcUrl();
      assertThatThrownBy(() -> DriverManager.getConnection(url).close())
          .isInstanceOf(SQLException.class);
    }
    try (ConfigurableApplicationContext restarted = start();
        Connection connection = restarted.getBean(HikariDataSource.class).getConnection()) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void commitsAreDurable() throws Exception {
    try (ConfigurableApplicationContext server = start();
        Connection connection = server.getBean(HikariDataSource.class).getConnection();
        Statement statement = connection.createStatement()) {
      for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
        try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
          assertThat(result.next()).isTrue();
          assertThat(result.getString(1)).as(setting).isEqualTo("on");
        }
      }
    }
  }

  @Test
  void theDataFolderIsItsOwnersAlone() throws Exception {
    try (ConfigurableApplicationContext server = start()) {
      server.getBean(ObjectStore.class).put("group/object.parquet", new byte[] {1, 2, 3});
    }
    for (Path folder :
        List.of(
            dataDir,
            dataDir.resolve("objects"),
            dataDir.resolve("tmp"),
            dataDir.resolve("cache"))) {
      assertThat(permissions(folder)).as(folder.toString()).isEqualTo("rwx------");
    }
    assertThat(permissions(dataDir.resolve("objects/group"))).isEqualTo("rwx------");
    assertThat(permissions(dataDir.resolve("objects/group/object.parquet"))).isEqualTo("rw-------");
    assertThat(permissions(dataDir.resolve("postgres.password"))).isEqualTo("rw-------");
  }

  @Test
  void temporaryFilesOfAnEarlierProcessAreDeletedAtStart() throws Exception {
    Path leftover =
        Files.write(
            Files.createDirectories(dataDir.resolve("tmp/join-spill-1")).resolve("part"),
            new byte[] {1});
    Path spooled = Files.write(dataDir.resolve("tmp/upload-1"), new byte[] {1});
    try (ConfigurableApplicationContext server = start()) {
      assertThat(leftover.getParent()).doesNotExist();
      assertThat(spooled).doesNotExist();
    }
  }

  @Test
  void aServerKilledWithSigkillStartsAgainAtTheFirstAttempt() throws Exception {
    ChildServer killed = ChildServer.startWithEmbeddedCatalog(dataDir);
    killed.post(
        "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    killed.kill();
    assertThat(postmasterLeftRunning()).as("the killed server's PostgreSQL").isPresent();

    ChildServer restarted = ChildServer.startWithEmbeddedCatalog(dataDir);
    try {
      assertThat(restarted.get("/api/v1/entities/user_id").statusCode()).isEqualTo(200);
    } finally {
      restarted.stop();
    }
    assertThat(postmasterLeftRunning()).isEmpty();
  }

  /**
   * SIGTERM, like Ctrl-C's SIGINT, runs the server's shutdown, which stops its PostgreSQL after the
   * parts that use it: none of them fails on a connection the database closed under it.
   */
  @Test
  void aStoppedServerStopsItsPostgresLastAndQuietly() throws Exception {
    ChildServer server = ChildServer.startWithEmbeddedCatalog(dataDir);
    server.stop();

    String log = Files.readString(server.logFile());
    String shutdown = log.substring(log.indexOf("Commencing graceful shutdown"));
    assertThat(shutdown)
        .doesNotContain(" WARN ")
        .doesNotContain(" ERROR ")
        .doesNotContain("Exception");
    assertThat(postmasterLeftRunning()).isEmpty();
  }

  @Test
  void aSecondServerOnTheSameFolderLeavesTheFirstOnesPostgresRunning() throws Exception {
    try (ConfigurableApplicationContext first = start()) {
      assertThatThrownBy(this::start).isInstanceOf(Exception.class);
      try (Connection connection = first.getBean(HikariDataSource.class).getConnection()) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  /** A failed test must not leave a PostgreSQL running on the machine. */
  @AfterEach
  void stopAnyPostmasterLeftRunning() throws Exception {
    postmasterLeftRunning().ifPresent(ProcessHandle::destroy);
  }

  private Optional<ProcessHandle> postmasterLeftRunning() throws Exception {
    Path lockFile = dataDir.resolve("postgres/postmaster.pid");
    if (!Files.exists(lockFile)) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(Files.readAllLines(lockFile).get(0).trim()));
  }

  private String password() throws Exception {
    return Files.readString(dataDir.resolve("postgres.password")).strip();
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(FeatureStoreApplication.class)
        .run(
            "--feature-store.data-dir=" + dataDir,
            "--server.port=0",
            "--feature-store.online-port=0");
  }
}
