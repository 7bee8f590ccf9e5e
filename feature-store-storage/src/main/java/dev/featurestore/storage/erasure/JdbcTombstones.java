package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.Tombstone;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.storage.catalog.Transactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Tombstones in the catalog's {@code key_tombstones} table; {@link JdbcErasureLedger#create} lays
 * them. Every change also bumps {@code key_tombstones_version}, in the same transaction.
 */
public final class JdbcTombstones implements Tombstones {
  private final Transactions transactions;

  public JdbcTombstones(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Set<String> digestsOf(String entity) {
    return new HashSet<>(
        transactions.list(
            "SELECT key_digest FROM key_tombstones WHERE entity_name = ?",
            rows -> rows.getString(1),
            entity));
  }

  @Override
  public Map<String, Set<String>> digestsByEntity() {
    Map<String, Set<String>> digests = new HashMap<>();
    transactions.list(
        "SELECT entity_name, key_digest FROM key_tombstones",
        rows ->
            digests
                .computeIfAbsent(rows.getString(1), entity -> new HashSet<>())
                .add(rows.getString(2)));
    return digests;
  }

  @Override
  public Optional<Tombstone> find(String entity, String keyDigest) {
    List<Tombstone> found =
        transactions.list(
            "SELECT entity_name, key_digest, erasure_id, erased_at FROM key_tombstones"
                + " WHERE entity_name = ? AND key_digest = ?",
            JdbcTombstones::tombstone,
            entity,
            keyDigest);
    return found.stream().findFirst();
  }

  @Override
  public Optional<Tombstone> lift(String entity, String keyDigest) {
    return transactions.inTransaction(
        connection -> {
          List<Tombstone> lifted =
              Transactions.list(
                  connection,
                  "DELETE FROM key_tombstones WHERE entity_name = ? AND key_digest = ?"
                      + " RETURNING entity_name, key_digest, erasure_id, erased_at",
                  JdbcTombstones::tombstone,
                  entity,
                  keyDigest);
          if (!lifted.isEmpty()) {
            bumpVersion(connection);
          }
          return lifted.stream().findFirst();
        });
  }

  @Override
  public long version() {
    return transactions.inTransaction(
        connection ->
            Transactions.single(
                connection, "SELECT version FROM key_tombstones_version", rows -> rows.getLong(1)));
  }

  /** Marks a change of the tombstones, inside the transaction that makes it. */
  static void bumpVersion(Connection connection) throws SQLException {
    Transactions.update(connection, "UPDATE key_tombstones_version SET version = version + 1");
  }

  private static Tombstone tombstone(ResultSet rows) throws SQLException {
    return new Tombstone(
        rows.getString(1),
        rows.getString(2),
        rows.getObject(3, UUID.class),
        rows.getTimestamp(4).toInstant());
  }
}
