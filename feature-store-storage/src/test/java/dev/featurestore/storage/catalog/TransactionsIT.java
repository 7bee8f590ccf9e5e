package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.featurestore.core.catalog.CatalogUnavailableException;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.testing.TestingPostgres;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a transaction's failures are classified, against a real Postgres. */
class TransactionsIT {
  private DataSource dataSource;
  private Transactions transactions;

  @BeforeEach
  void setUp() {
    dataSource = TestingPostgres.instance().createDatabase().dataSource();
    transactions = new Transactions(dataSource);
  }

  @Test
  void rollbackThatFailsTooIsKeptOnTheOriginalFailure() {
    Throwable thrown =
        catchThrowable(
            () ->
                transactions.inTransaction(
                    connection -> {
                      try (Statement statement = connection.createStatement()) {
                        // The server ends the session: the rollback that follows fails as well.
                        statement.execute("SELECT pg_terminate_backend(pg_backend_pid())");
                      }
                      return null;
                    }));

    assertThat(thrown).isInstanceOf(CatalogUnavailableException.class);
    assertThat(thrown.getCause()).hasMessageContaining("terminating connection");
    assertThat(thrown.getCause().getSuppressed()).hasSize(1);
  }

  @Test
  void errorAnsweredToCommitIsAFailureNotAnUnknownOutcome() {
    transactions.update(
        "CREATE TABLE checked_at_commit (id int UNIQUE DEFERRABLE INITIALLY DEFERRED)");

    Throwable thrown =
        catchThrowable(
            () ->
                transactions.inTransaction(
                    connection ->
                        Transactions.update(
                            connection, "INSERT INTO checked_at_commit VALUES (1), (1)")));

    assertThat(thrown)
        .isInstanceOf(CatalogStatementException.class)
        .isNotInstanceOf(CommitStateUnknownException.class);
    assertThat(transactions.list("SELECT id FROM checked_at_commit", rows -> rows.getInt(1)))
        .isEmpty();
  }
}
