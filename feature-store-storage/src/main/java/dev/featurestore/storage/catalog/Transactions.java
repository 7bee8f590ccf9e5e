package dev.featurestore.storage.catalog;

import dev.featurestore.core.catalog.CatalogUnavailableException;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Runs work in one JDBC transaction with one of three outcomes: committed when it returns; failed,
 * with nothing changed, when it throws anything else than {@link CommitStateUnknownException};
 * unknown when that is thrown, because the connection broke during COMMIT.
 */
public final class Transactions {
  /**
   * SQL states, besides a lost connection (class 08) and missing resources (class 53), after which
   * a retry may succeed: a server shutting down or starting (57P01-57P03), and a transaction that
   * lost a serialization race or a deadlock (40001, 40P01). Other states are bugs or a schema out
   * of step with the code.
   */
  private static final Set<String> TRANSIENT_STATES =
      Set.of("57P01", "57P02", "57P03", "40001", "40P01");

  private final DataSource dataSource;

  public Transactions(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Reads the current row of a result set into a value. */
  public interface RowReader<T> {
    T read(ResultSet row) throws SQLException;
  }

  /**
   * Runs {@code work} and commits it.
   *
   * @throws CommitStateUnknownException when the connection broke during COMMIT: the work may or
   *     may not have been committed
   * @throws CatalogUnavailableException when the database could not be reached or failed in a way a
   *     retry may not meet again (see {@link #TRANSIENT_STATES}); nothing was committed
   * @throws CatalogStatementException when a statement failed for another reason; nothing was
   *     committed
   */
  public <T> T inTransaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      T result;
      try {
        result = work.run(connection);
      } catch (SQLException | RuntimeException e) {
        rollback(connection, e);
        throw e;
      }
      commit(connection);
      return result;
    } catch (SQLException e) {
      throw classify(e);
    }
  }

  private static void commit(Connection connection) throws SQLException {
    try {
      connection.commit();
    } catch (SQLException e) {
      // An error the server answered to COMMIT (a deferred constraint, a serialization failure)
      // means it rolled back; a broken connection leaves the outcome unknown.
      if (isConnectionLoss(e)) {
        throw new CommitStateUnknownException(
            "the catalog connection broke during COMMIT: the change may or may not have been"
                + " committed ("
                + e.getMessage()
                + ")",
            e);
      }
      throw e;
    }
  }

  /** Rolls back after {@code failure}; a rollback that fails too is kept on it as suppressed. */
  static void rollback(Connection connection, Exception failure) {
    try {
      connection.rollback();
    } catch (SQLException | RuntimeException rollbackFailure) {
      failure.addSuppressed(rollbackFailure);
    }
  }

  /** The catalog's exception for a statement that failed; its SQL state decides the class. */
  static RuntimeException classify(SQLException e) {
    if (isTransient(e)) {
      return new CatalogUnavailableException(
          "the catalog database is unavailable: " + e.getMessage(), e);
    }
    return new CatalogStatementException("a catalog statement failed: " + e.getMessage(), e);
  }

  private static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return isConnectionLoss(e)
        || (state != null && (state.startsWith("53") || TRANSIENT_STATES.contains(state)));
  }

  /**
   * The connection broke or was never made (class 08, a server shut down under it, or a driver or
   * pool that says so by the exception's class); a driver that gives no SQL state is counted here
   * too, as it knows nothing of the server's answer.
   */
  private static boolean isConnectionLoss(SQLException e) {
    String state = e.getSQLState();
    return state == null
        || state.startsWith("08")
        || state.startsWith("57P0")
        || e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException;
  }

  /** One parameterised statement in its own transaction; returns the rows it changed. */
  public int update(String sql, Object... parameters) {
    return inTransaction(connection -> update(connection, sql, parameters));
  }

  /** One parameterised statement on {@code connection}; returns the rows it changed. */
  public static int update(Connection connection, String sql, Object... parameters)
      throws SQLException {
    try (PreparedStatement update = connection.prepareStatement(sql)) {
      bind(update, parameters);
      return update.executeUpdate();
    }
  }

  /** The rows of one parameterised query in its own transaction, each read by {@code reader}. */
  public <T> List<T> list(String sql, RowReader<T> reader, Object... parameters) {
    return inTransaction(connection -> list(connection, sql, reader, parameters));
  }

  /**
   * The one row of a query that always has exactly one, such as an aggregate, read by {@code
   * reader}.
   */
  public static <T> T single(
      Connection connection, String sql, RowReader<T> reader, Object... parameters)
      throws SQLException {
    return list(connection, sql, reader, parameters).getFirst();
  }

  /** The rows of one parameterised query, in order, each read by {@code reader}. */
  public static <T> List<T> list(
      Connection connection, String sql, RowReader<T> reader, Object... parameters)
      throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(sql)) {
      bind(select, parameters);
      List<T> values = new ArrayList<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          values.add(reader.read(rows));
        }
      }
      return values;
    }
  }

  /** Sets a statement's parameters, in order. */
  public static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
  }
}
