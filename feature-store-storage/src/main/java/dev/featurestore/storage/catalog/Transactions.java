package dev.featurestore.storage.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Runs work in one JDBC transaction: committed when it returns, rolled back when it throws. */
public final class Transactions {
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

  public <T> T inTransaction(Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new CatalogUnavailableException("catalog database call failed: " + e.getMessage(), e);
    }
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
