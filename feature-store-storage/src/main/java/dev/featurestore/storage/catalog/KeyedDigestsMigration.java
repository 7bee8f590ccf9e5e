package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.KeyDigests;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Migration 22, in Java because it needs the key digest secret, which SQL never sees: tombstones
 * for erased keys, the erased-key policy of groups, the dropped-row count of commits, and no entity
 * key in clear in the audit log or the erasure records any more.
 *
 * <p>Keys in clear (the audit log's {@code keys}, the keys of an erasure still running) are
 * digested with {@link KeyDigests}. The unkeyed SHA-256 digests stored before ({@code erased_keys},
 * the lineage index's {@code erased_digest}) are keyed as they are ({@link
 * KeyDigests#ofUnkeyedDigest}): the keys they came from are gone. Every key erased before gets a
 * tombstone. A running erasure keeps its keys in {@code pending_keys} until it completes, as
 * before: it needs them to find the rows.
 *
 * <p>The server registers it as a bean (Spring Boot's Flyway runs it in order with the SQL
 * migrations); {@link CatalogMigrations} passes it to Flyway for tests and tools.
 */
public final class KeyedDigestsMigration implements JavaMigration {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> KEY_LIST = new TypeReference<>() {};

  private final KeyDigests digests;

  public KeyedDigestsMigration(KeyDigests digests) {
    this.digests = requireNonNull(digests, "digests is null");
  }

  @Override
  public MigrationVersion getVersion() {
    return MigrationVersion.fromVersion("22");
  }

  @Override
  public String getDescription() {
    return "tombstones and keyed key digests";
  }

  @Override
  public Integer getChecksum() {
    return null;
  }

  @Override
  public boolean canExecuteInTransaction() {
    return true;
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          """
          CREATE TABLE key_tombstones (
              entity_name text        NOT NULL REFERENCES entities (name),
              key_digest  text        NOT NULL,
              erasure_id  uuid        NOT NULL REFERENCES erasures (id),
              erased_at   timestamptz NOT NULL,
              PRIMARY KEY (entity_name, key_digest)
          )""");
      // One row, changed in the same transaction as every tombstone laid or lifted, so that a
      // replica holding the tombstones in memory sees a change only once it is committed.
      statement.execute("CREATE TABLE key_tombstones_version (version bigint NOT NULL)");
      statement.execute("INSERT INTO key_tombstones_version VALUES (0)");
      statement.execute(
          "ALTER TABLE feature_groups ADD COLUMN erased_keys text NOT NULL DEFAULT 'REFUSE'"
              + " CHECK (erased_keys IN ('REFUSE', 'DROP'))");
      statement.execute(
          "ALTER TABLE commits ADD COLUMN dropped_erased_rows bigint NOT NULL DEFAULT 0");
      statement.execute("ALTER TABLE erasures ADD COLUMN key_digests text[] NOT NULL DEFAULT '{}'");
    }
    keyUnkeyedDigests(connection, "erased_keys", "key_digest");
    keyUnkeyedDigests(connection, "entity_keys", "erased_digest");
    digestAuditKeys(connection);
    digestErasureKeys(connection);
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          """
          INSERT INTO key_tombstones (entity_name, key_digest, erasure_id, erased_at)
          SELECT DISTINCT ON (e.entity_name, d.digest) e.entity_name, d.digest, e.id, e.created_at
          FROM erasures e CROSS JOIN LATERAL unnest(e.key_digests) AS d (digest)
          ORDER BY e.entity_name, d.digest, e.created_at DESC""");
    }
  }

  private void keyUnkeyedDigests(Connection connection, String table, String column)
      throws SQLException {
    List<String> unkeyed = new ArrayList<>();
    try (Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery(
                "SELECT DISTINCT "
                    + column
                    + " FROM "
                    + table
                    + " WHERE "
                    + column
                    + " IS NOT NULL")) {
      while (rows.next()) {
        unkeyed.add(rows.getString(1));
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE " + table + " SET " + column + " = ? WHERE " + column + " = ?")) {
      for (String digest : unkeyed) {
        update.setString(1, digests.ofUnkeyedDigest(digest));
        update.setString(2, digest);
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  private void digestAuditKeys(Connection connection) throws SQLException {
    List<KeysInClear> entries = new ArrayList<>();
    try (Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery(
                "SELECT id, coalesce(entity, ''), keys FROM audit_log WHERE keys <> '{}'")) {
      while (rows.next()) {
        entries.add(
            new KeysInClear(
                rows.getLong(1),
                rows.getString(2),
                List.of((String[]) rows.getArray(3).getArray())));
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE audit_log SET keys = ? WHERE id = ?")) {
      for (KeysInClear entry : entries) {
        update.setArray(1, digested(connection, entry));
        update.setObject(2, entry.id());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /**
   * Completed erasures name their keys by the digests in erased_keys; running ones digest theirs.
   */
  private void digestErasureKeys(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "UPDATE erasures e SET key_digests = ARRAY(SELECT k.key_digest FROM erased_keys k"
              + " WHERE k.erasure_id = e.id ORDER BY k.key_digest) WHERE pending_keys IS NULL");
    }
    List<KeysInClear> running = new ArrayList<>();
    try (Statement select = connection.createStatement();
        ResultSet rows =
            select.executeQuery(
                "SELECT id, entity_name, pending_keys::text FROM erasures"
                    + " WHERE pending_keys IS NOT NULL")) {
      while (rows.next()) {
        running.add(
            new KeysInClear(
                rows.getObject(1, UUID.class),
                rows.getString(2),
                JSON.readValue(rows.getString(3), KEY_LIST)));
      }
    }
    try (PreparedStatement update =
        connection.prepareStatement("UPDATE erasures SET key_digests = ? WHERE id = ?")) {
      for (KeysInClear erasure : running) {
        update.setArray(1, digested(connection, erasure));
        update.setObject(2, erasure.id());
        update.addBatch();
      }
      update.executeBatch();
    }
  }

  /** A row (its id) holding keys of an entity in clear. */
  private record KeysInClear(Object id, String entity, List<String> keys) {}

  private Array digested(Connection connection, KeysInClear row) throws SQLException {
    KeyDigests.Digester digester = digests.digester();
    return connection.createArrayOf(
        "text", row.keys().stream().map(key -> digester.digest(row.entity(), key)).toArray());
  }
}
