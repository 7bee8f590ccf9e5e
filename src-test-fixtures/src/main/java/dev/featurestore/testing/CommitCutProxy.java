package dev.featurestore.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;

/**
 * A TCP fault proxy (netcrusher) between a catalog's connection pool and its test database, with a
 * gate that holds the COMMIT of chosen commits, so that a test cuts the connection exactly while a
 * COMMIT is on its way: after every statement of the transaction, before Postgres answers.
 *
 * <p>The gate is a deferred trigger on {@code commits}, installed in the test's database only: the
 * COMMIT of a transaction that inserted a commit whose idempotency key or principal starts with
 * {@link #GATED_PREFIX} waits for an advisory lock that {@link #holdGate()} holds. The test sees
 * the wait in {@code pg_locks}, cuts the connections, then lets the COMMIT finish (closing the gate
 * handle) or ends it first ({@link Gate#abortWaitingCommit()}).
 */
public final class CommitCutProxy implements AutoCloseable {
  /**
   * Commits whose idempotency key or principal starts with this wait at the gate during COMMIT
   * (compactions have no idempotency key).
   */
  public static final String GATED_PREFIX = "cut-";

  private static final long GATE_LOCK = 4242;
  private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

  private final TestingPostgres.TestDatabase database;
  private final NioReactor reactor;
  private final TcpCrusher proxy;

  private CommitCutProxy(
      TestingPostgres.TestDatabase database, NioReactor reactor, TcpCrusher proxy) {
    this.database = database;
    this.reactor = reactor;
    this.proxy = proxy;
  }

  /** Opens a proxy on a free loopback port in front of {@code database}. */
  public static CommitCutProxy start(TestingPostgres.TestDatabase database) throws IOException {
    requireNonNull(database, "database is null");
    URI postgres = postgresUri(database);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    NioReactor reactor = new NioReactor();
    TcpCrusher proxy =
        TcpCrusherBuilder.builder()
            .withReactor(reactor)
            .withBindAddress("127.0.0.1", port)
            .withConnectAddress(postgres.getHost(), postgres.getPort())
            .buildAndOpen();
    return new CommitCutProxy(database, reactor, proxy);
  }

  private static URI postgresUri(TestingPostgres.TestDatabase database) {
    return URI.create(database.jdbcUrl().substring("jdbc:".length()));
  }

  /** The database's JDBC URL through the proxy, for the connection pool under test. */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:"
        + proxy.getBindAddress().getPort()
        + postgresUri(database).getPath();
  }

  /** Installs the gate; call once the catalog's migrations have made the {@code commits} table. */
  public void installGate() throws SQLException {
    execute(
        "CREATE FUNCTION wait_at_the_gate() RETURNS trigger LANGUAGE plpgsql AS"
            + " $$ BEGIN PERFORM pg_advisory_xact_lock("
            + GATE_LOCK
            + "); RETURN NULL; END $$");
    execute(
        "CREATE CONSTRAINT TRIGGER wait_at_commit AFTER INSERT ON commits"
            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            + " WHEN (NEW.idempotency_key LIKE '"
            + GATED_PREFIX
            + "%' OR NEW.principal LIKE '"
            + GATED_PREFIX
            + "%') EXECUTE FUNCTION wait_at_the_gate()");
  }

  /** Closes the gate until the returned handle is closed. */
  public Gate holdGate() throws SQLException {
    Connection holder = database.dataSource().getConnection();
    try (Statement statement = holder.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + GATE_LOCK + ")");
    } catch (SQLException e) {
      holder.close();
      throw e;
    }
    return new Gate(holder);
  }

  /** A closed gate; closing the handle opens it. */
  public final class Gate implements AutoCloseable {
    private final Connection holder;

    private Gate(Connection holder) {
      this.holder = holder;
    }

    /** Waits until a COMMIT waits at the gate: its transaction's statements are all done. */
    public void awaitWaitingCommit() throws SQLException, InterruptedException {
      long deadline = System.nanoTime() + LONGEST_WAIT.toNanos();
      while (waitingCommits() == 0) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no COMMIT came to wait at the gate in " + LONGEST_WAIT);
        }
        Thread.sleep(20);
      }
    }

    /** Breaks every connection through the proxy; new connections get through again. */
    public void cutConnections() {
      proxy.closeAllPairs();
    }

    /** Ends the sessions whose COMMIT waits at the gate: their transactions roll back. */
    public void abortWaitingCommit() throws SQLException {
      execute(
          "SELECT pg_terminate_backend(pid) FROM pg_locks"
              + " WHERE locktype = 'advisory' AND NOT granted");
    }

    @Override
    public void close() throws SQLException {
      holder.close();
    }
  }

  private long waitingCommits() throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private void execute(String sql) throws SQLException {
    try (Connection connection = database.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Override
  public void close() {
    proxy.close();
    reactor.close();
  }
}
