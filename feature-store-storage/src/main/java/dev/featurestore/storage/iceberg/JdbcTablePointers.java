package dev.featurestore.storage.iceberg;

import dev.featurestore.storage.catalog.Transactions;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The one writer of {@code iceberg_tables}: where each Iceberg table's current metadata file is.
 * The pointer moves only by compare-and-swap, Iceberg's commit protocol for a metastore.
 */
final class JdbcTablePointers {
  private final Transactions transactions;

  JdbcTablePointers(DataSource dataSource) {
    this.transactions = new Transactions(dataSource);
  }

  Optional<String> find(String namespace, String name) {
    List<String> found =
        transactions.list(
            "SELECT metadata_location FROM iceberg_tables WHERE namespace = ? AND name = ?",
            rows -> rows.getString(1),
            namespace,
            name);
    return found.stream().findFirst();
  }

  /**
   * Points the table at {@code location} if it still points at {@code expected} (empty: the table
   * does not exist yet); false when another writer moved it first.
   */
  boolean swap(String namespace, String name, Optional<String> expected, String location) {
    int changed =
        expected.isEmpty()
            ? transactions.update(
                "INSERT INTO iceberg_tables (namespace, name, metadata_location) VALUES (?, ?, ?)"
                    + " ON CONFLICT DO NOTHING",
                namespace,
                name,
                location)
            : transactions.update(
                "UPDATE iceberg_tables SET metadata_location = ?"
                    + " WHERE namespace = ? AND name = ? AND metadata_location = ?",
                location,
                namespace,
                name,
                expected.get());
    return changed == 1;
  }
}
