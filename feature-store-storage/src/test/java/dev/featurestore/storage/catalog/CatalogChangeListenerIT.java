package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CatalogChangeListenerIT {
  private final Semaphore signals = new Semaphore(0);
  private DataSource dataSource;
  private JdbcCatalog catalog;
  private Entity user;
  private CatalogChangeListener listener;

  @BeforeEach
  void listen() throws InterruptedException {
    dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    catalog = new JdbcCatalog(dataSource);
    user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    listener =
        new CatalogChangeListener(
            dataSource,
            Map.of(CatalogChangeListener.FEATURE_GROUP_CHANGES, signals::release),
            Duration.ofMillis(100));
    listener.start();
    assertThat(signals.tryAcquire(10, TimeUnit.SECONDS)).as("signal on listening").isTrue();
  }

  @AfterEach
  void stop() {
    listener.close();
  }

  @Test
  void signalsEveryCommittedChangeOfAGroupAndNothingElse() throws InterruptedException {
    catalog.createFeatureGroup(group("user_activity"));
    assertThat(signals.tryAcquire(5, TimeUnit.SECONDS)).as("creation").isTrue();

    catalog.markOnline("user_activity", false);
    assertThat(signals.tryAcquire(5, TimeUnit.SECONDS)).as("online flag").isTrue();

    catalog.addFeatures(
        "user_activity", List.of(FeatureDefinition.scalar("country", FeatureType.STRING)));
    assertThat(signals.tryAcquire(5, TimeUnit.SECONDS)).as("schema evolution").isTrue();

    // Other tables do not concern online indexes.
    catalog.createEntity(new Entity("item_id", KeyType.INT64, ""));
    assertThat(signals.tryAcquire(300, TimeUnit.MILLISECONDS)).as("entity").isFalse();
  }

  @Test
  void listensAgainAfterLosingItsConnectionAndSignalsForWhatItMissed() throws Exception {
    assertThat(terminateListeningBackends()).isEqualTo(1);

    // The signal on listening again covers changes made while nobody listened.
    assertThat(signals.tryAcquire(10, TimeUnit.SECONDS)).as("signal on listening again").isTrue();
    catalog.createFeatureGroup(group("user_activity"));
    assertThat(signals.tryAcquire(5, TimeUnit.SECONDS)).as("change after reconnecting").isTrue();
  }

  @Test
  void oneConnectionHearsEveryChannelAndSignalsOnlyTheOneNotified() throws Exception {
    // Creating a group also classifies its features, a read-access change.
    catalog.createFeatureGroup(group("user_activity"));
    Semaphore groupChanges = new Semaphore(0);
    Semaphore accessChanges = new Semaphore(0);
    try (CatalogChangeListener both =
        new CatalogChangeListener(
            dataSource,
            Map.of(
                CatalogChangeListener.FEATURE_GROUP_CHANGES, groupChanges::release,
                CatalogChangeListener.READ_ACCESS_CHANGES, accessChanges::release),
            Duration.ofMillis(100))) {
      both.start();
      assertThat(groupChanges.tryAcquire(10, TimeUnit.SECONDS)).as("listening").isTrue();
      assertThat(accessChanges.tryAcquire(10, TimeUnit.SECONDS)).as("listening").isTrue();

      notify(CatalogChangeListener.READ_ACCESS_CHANGES);
      assertThat(accessChanges.tryAcquire(5, TimeUnit.SECONDS)).as("access change").isTrue();
      catalog.markOnline("user_activity", false);
      assertThat(groupChanges.tryAcquire(5, TimeUnit.SECONDS)).as("group change").isTrue();

      assertThat(groupChanges.tryAcquire(300, TimeUnit.MILLISECONDS))
          .as("a group signal for the access change")
          .isFalse();
      assertThat(accessChanges.availablePermits())
          .as("access signals for the group change")
          .isZero();
    }
  }

  /**
   * A server shutting down closes its listener while the database may be gone already: the thread
   * must end then, not wait out the pool's connection timeout (each test context's close waited,
   * one after another, until the build killed the JVM).
   */
  @Test
  void endsAtOnceWhenClosedWhileWaitingForAConnection() throws Exception {
    int unusedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      unusedPort = socket.getLocalPort();
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + unusedPort + "/gone");
    config.setConnectionTimeout(Duration.ofMinutes(1).toMillis());
    config.setInitializationFailTimeout(-1);
    try (HikariDataSource gone = new HikariDataSource(config)) {
      CatalogChangeListener waiting =
          new CatalogChangeListener(
              gone,
              Map.of(CatalogChangeListener.FEATURE_GROUP_CHANGES, signals::release),
              Duration.ofMillis(100));
      waiting.start();
      Thread.sleep(300);
      waiting.close();
      assertThat(waiting.stopped()).isTrue();
    }
  }

  private void notify(String channel) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("NOTIFY " + channel);
    }
  }

  private int terminateListeningBackends() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet terminated =
            statement.executeQuery(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND query = 'LISTEN "
                    + CatalogChangeListener.FEATURE_GROUP_CHANGES
                    + "'")) {
      terminated.next();
      return terminated.getInt(1);
    }
  }

  private FeatureGroup group(String name) {
    return new FeatureGroup(
        name,
        user,
        List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
        Duration.ofDays(1),
        true,
        "",
        1);
  }
}
