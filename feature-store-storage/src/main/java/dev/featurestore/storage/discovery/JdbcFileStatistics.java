package dev.featurestore.storage.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.discovery.DistinctCountSketch;
import dev.featurestore.core.discovery.FeatureStatistics;
import dev.featurestore.core.discovery.FileStatistics;
import dev.featurestore.core.discovery.FileStatisticsStore;
import dev.featurestore.storage.catalog.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Data files' feature statistics in {@code data_file_statistics} (migration V14): written by the
 * catalog in the transaction that adds or rewrites a file ({@link #replace}), read here.
 */
public final class JdbcFileStatistics implements FileStatisticsStore {
  private final Transactions transactions;

  public JdbcFileStatistics(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Map<UUID, FileStatistics> statisticsOf(Collection<UUID> fileIds) {
    return transactions.inTransaction(
        connection -> {
          Map<UUID, Map<String, FeatureStatistics>> byFile = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT data_file_id, feature, null_count, min_value, max_value,"
                      + " distinct_sketch FROM data_file_statistics"
                      + " WHERE data_file_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("uuid", fileIds.toArray()));
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                byFile
                    .computeIfAbsent(rows.getObject(1, UUID.class), file -> new HashMap<>())
                    .put(
                        rows.getString(2),
                        new FeatureStatistics(
                            rows.getLong(3),
                            Optional.ofNullable(rows.getString(4)),
                            Optional.ofNullable(rows.getString(5)),
                            DistinctCountSketch.fromBytes(rows.getBytes(6))));
              }
            }
          }
          Map<UUID, FileStatistics> statistics = new HashMap<>();
          byFile.forEach((file, features) -> statistics.put(file, new FileStatistics(features)));
          return statistics;
        });
  }

  /**
   * Sets the statistics of a file (none when {@code statistics} is empty), in the caller's work.
   */
  public static void replace(Connection connection, UUID fileId, FileStatistics statistics)
      throws SQLException {
    Transactions.update(
        connection, "DELETE FROM data_file_statistics WHERE data_file_id = ?", fileId);
    if (statistics.isEmpty()) {
      return;
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO data_file_statistics (data_file_id, feature, null_count, min_value,"
                + " max_value, distinct_sketch) VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Map.Entry<String, FeatureStatistics> feature : statistics.features().entrySet()) {
        FeatureStatistics values = feature.getValue();
        insert.setObject(1, fileId);
        insert.setString(2, feature.getKey());
        insert.setLong(3, values.nullCount());
        insert.setString(4, values.min().orElse(null));
        insert.setString(5, values.max().orElse(null));
        insert.setBytes(6, values.distinct().toBytes());
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }
}
