package dev.featurestore.storage.catalog;

import java.sql.Connection;
import java.sql.SQLException;
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
    return inTransaction(
        connection -> {
          try (java.sql.PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, parameters);
            return update.executeUpdate();
          }
        });
  }

  /** Sets a statement's parameters, in order. */
  public static void bind(java.sql.PreparedStatement statement, Object... parameters)
      throws SQLException {
    for (int i = 0; i < parameters.length; i++) {
      statement.setObject(i + 1, parameters[i]);
    }
  }
}
