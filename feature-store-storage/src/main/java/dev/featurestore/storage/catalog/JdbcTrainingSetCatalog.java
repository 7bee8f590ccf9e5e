package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.training.NamedTrainingSet;
import dev.featurestore.core.training.OutputRetention;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetInput;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.TrainingSetSummary;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Training sets in Postgres: the {@code training_sets} and {@code training_set_inputs} tables.
 * Changes to a training set being built name the replica holding it and the status they move from
 * (see {@link JdbcJobs}).
 */
public final class JdbcTrainingSetCatalog implements TrainingSetCatalog {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String COLUMNS =
      "id, name, status, request::text, catalog_version::text, output_object_key, output_hash,"
          + " row_count, rows_erased, rows_without_consent, timings::text, error, owner_key_id,"
          + " created_at, completed_at, retention, expires_at, expired_at, output_deleted_at";

  /**
   * Now plus the retention, in UTC calendar terms as {@link MaxAge} counts (P1M from 31 January is
   * the end of February): Postgres parses the ISO-8601 spelling, and a timestamp without time zone
   * adds months and days by the calendar alone, whatever the session's time zone.
   */
  private static final String EXPIRES_AFTER_NOW =
      "(now() AT TIME ZONE 'UTC' + retention::interval) AT TIME ZONE 'UTC'";

  private final Transactions transactions;
  private final ReplicaLease lease;
  private final Leases leases;

  public JdbcTrainingSetCatalog(DataSource dataSource, ReplicaLease lease) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
    this.lease = requireNonNull(lease, "lease is null");
    this.leases = new Leases("training_sets", transactions, lease);
  }

  @Override
  public TrainingSet create(
      UUID id,
      String name,
      String requestJson,
      Map<String, Long> catalogVersion,
      UUID ownerKeyId,
      MaxAge retention) {
    transactions.inTransaction(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO training_sets (id, name, status, request, catalog_version,"
                      + " owner_key_id, retention, replica_id, lease_expires_at)"
                      + " VALUES (?, ?, 'PENDING', ?::jsonb, ?::jsonb, ?, ?, ?, "
                      + Leases.FROM_NOW
                      + ")")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, requestJson);
            insert.setString(4, JSON.writeValueAsString(catalogVersion));
            insert.setObject(5, ownerKeyId);
            insert.setString(6, retention.isForever() ? null : retention.toString());
            insert.setString(7, lease.replicaId());
            insert.setLong(8, lease.length().toMillis());
            insert.executeUpdate();
          }
          return null;
        });
    return find(id).orElseThrow();
  }

  @Override
  public void markRunning(UUID id) {
    if (!leases.changeHeld(id, "status = 'RUNNING'", "status = 'PENDING'")) {
      throw lost(id, "PENDING");
    }
  }

  @Override
  public TrainingSet complete(
      UUID id,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsWithoutConsent,
      List<TrainingSetInput> inputs,
      Map<String, Long> timingsMillis) {
    transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE training_sets SET status = 'READY', output_object_key = ?,"
                      + " output_hash = ?, row_count = ?, rows_without_consent = ?,"
                      + " timings = ?::jsonb, completed_at = now(), expires_at = "
                      + EXPIRES_AFTER_NOW
                      + " WHERE id = ? AND status = 'RUNNING' AND replica_id = ?")) {
            update.setString(1, outputObjectKey);
            update.setString(2, outputHash);
            update.setLong(3, rows);
            update.setLong(4, rowsWithoutConsent);
            update.setString(5, JSON.writeValueAsString(timingsMillis));
            update.setObject(6, id);
            update.setString(7, lease.replicaId());
            if (update.executeUpdate() != 1) {
              throw lost(id, "RUNNING");
            }
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO training_set_inputs"
                      + " (training_set_id, data_file_id, feature_group_id, content_hash)"
                      + " SELECT ?, f.id, f.feature_group_id, ? FROM data_files f WHERE f.id = ?")) {
            for (TrainingSetInput input : inputs) {
              insert.setObject(1, id);
              insert.setString(2, input.contentHash());
              insert.setObject(3, input.dataFileId());
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return null;
        });
    return find(id).orElseThrow();
  }

  @Override
  public boolean fail(UUID id, String error) {
    return leases.changeHeld(
        id, "status = 'FAILED', error = ?, completed_at = now()", Leases.UNFINISHED, error);
  }

  private LostLeaseException lost(UUID id, String expectedStatus) {
    TrainingSet found =
        find(id).orElseThrow(() -> new NotFoundException("training set " + id + " not found"));
    return new LostLeaseException(
        "training set "
            + id
            + " is "
            + found.status()
            + ", not "
            + expectedStatus
            + " on this replica: "
            + found.error().orElse("another replica holds it"));
  }

  @Override
  public Optional<TrainingSet> find(UUID id) {
    return transactions.inTransaction(
        connection -> {
          List<TrainingSet> found = select(connection, "WHERE t.id = ?", id);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public Map<UUID, NamedTrainingSet> names(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    return transactions.inTransaction(
        connection -> {
          Map<UUID, NamedTrainingSet> names = new HashMap<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, name, expired_at FROM training_sets WHERE id = ANY(?)")) {
            select.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                names.put(
                    rows.getObject(1, UUID.class),
                    new NamedTrainingSet(rows.getString(2), instant(rows.getTimestamp(3))));
              }
            }
          }
          return names;
        });
  }

  @Override
  public List<TrainingSetSummary> list(TrainingSetListQuery query) {
    StringBuilder where = new StringBuilder("WHERE true");
    List<Object> parameters = new ArrayList<>();
    query.name().ifPresent(name -> filter(where, parameters, " AND name = ?", name));
    query.status().ifPresent(status -> filter(where, parameters, " AND status = ?", status.name()));
    query
        .ownerKeyId()
        .ifPresent(owner -> filter(where, parameters, " AND owner_key_id = ?", owner));
    query
        .after()
        .ifPresent(
            after ->
                filter(
                    where,
                    parameters,
                    " AND (created_at, id) < (?, ?)",
                    Timestamp.from(after.createdAt()),
                    after.id()));
    parameters.add(query.limit());
    return transactions.inTransaction(
        connection ->
            Transactions.list(
                connection,
                "SELECT id, name, status, row_count, output_hash, error, owner_key_id, created_at,"
                    + " completed_at FROM training_sets "
                    + where
                    + " ORDER BY created_at DESC, id DESC LIMIT ?",
                rows ->
                    new TrainingSetSummary(
                        rows.getObject(1, UUID.class),
                        rows.getString(2),
                        TrainingSetStatus.valueOf(rows.getString(3)),
                        rows.getLong(4),
                        Optional.ofNullable(rows.getString(5)),
                        Optional.ofNullable(rows.getString(6)),
                        Optional.ofNullable(rows.getObject(7, UUID.class)),
                        rows.getTimestamp(8).toInstant(),
                        Optional.ofNullable(rows.getTimestamp(9)).map(Timestamp::toInstant)),
                parameters.toArray()));
  }

  private static void filter(
      StringBuilder where, List<Object> parameters, String condition, Object... values) {
    where.append(condition);
    parameters.addAll(List.of(values));
  }

  @Override
  public List<TrainingSet> readingFeatureGroup(String groupName) {
    return transactions.inTransaction(
        connection ->
            select(
                connection,
                "WHERE t.id IN (SELECT i.training_set_id FROM training_set_inputs i"
                    + " JOIN feature_groups g ON g.id = i.feature_group_id"
                    + " WHERE g.name = ? AND g.deleted_at IS NULL)"
                    + " ORDER BY t.created_at DESC, t.id",
                groupName));
  }

  @Override
  public void replaceOutput(
      UUID id,
      String replacedObjectKey,
      String outputObjectKey,
      String outputHash,
      long rows,
      long rowsErased) {
    int updated =
        transactions.update(
            "UPDATE training_sets SET output_object_key = ?, output_hash = ?, row_count = ?,"
                + " rows_erased = rows_erased + ?"
                + " WHERE id = ? AND output_object_key = ? AND status = 'READY'",
            outputObjectKey,
            outputHash,
            rows,
            rowsErased,
            id,
            replacedObjectKey);
    if (updated == 0) {
      throw new ConflictException(
          "training set " + id + " no longer has output " + replacedObjectKey + ", or expired");
    }
  }

  @Override
  public int removeInlineSpineRows(String entity, Collection<String> keys) {
    return transactions.inTransaction(
        connection -> {
          List<UUID> ids = new ArrayList<>();
          List<String> scrubbed = new ArrayList<>();
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT id, request::text FROM training_sets"
                      + " WHERE jsonb_typeof(request -> 'spine' -> 'rows') = 'array'"
                      + " AND EXISTS (SELECT 1 FROM jsonb_array_elements(request -> 'spine' -> 'rows')"
                      + " AS spine_row WHERE spine_row ->> ? = ANY (?)) FOR UPDATE")) {
            select.setString(1, entity);
            select.setArray(2, connection.createArrayOf("text", keys.toArray()));
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
                scrubbed.add(withoutKeys(rows.getString(2), entity, keys));
              }
            }
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE training_sets SET request = ?::jsonb WHERE id = ?")) {
            for (int i = 0; i < ids.size(); i++) {
              Transactions.bind(update, scrubbed.get(i), ids.get(i));
              update.addBatch();
            }
            update.executeBatch();
          }
          return ids.size();
        });
  }

  /** The stored request with the inline spine rows of the keys left out. */
  private static String withoutKeys(String requestJson, String entity, Collection<String> keys) {
    JsonNode request = JSON.readTree(requestJson);
    ArrayNode kept = JSON.createArrayNode();
    for (JsonNode row : request.path("spine").path("rows")) {
      JsonNode key = row.get(entity);
      if (key == null || key.isNull() || !keys.contains(key.asString())) {
        kept.add(row);
      }
    }
    ((ObjectNode) request.get("spine")).set("rows", kept);
    return JSON.writeValueAsString(request);
  }

  @Override
  public List<TrainingSet> expiring(Instant now) {
    return transactions.inTransaction(
        connection ->
            select(
                connection,
                "WHERE t.expires_at IS NOT NULL AND t.output_deleted_at IS NULL"
                    + " AND ((t.status = 'READY' AND t.expires_at <= ?) OR t.status = 'EXPIRED')"
                    + " ORDER BY t.expires_at, t.id",
                Timestamp.from(now)));
  }

  @Override
  public boolean markExpired(UUID id, Instant now) {
    return transactions.update(
            "UPDATE training_sets SET status = 'EXPIRED', expired_at = ?"
                + " WHERE id = ? AND status = 'READY' AND expires_at <= ?",
            Timestamp.from(now),
            id,
            Timestamp.from(now))
        == 1;
  }

  @Override
  public boolean markOutputDeleted(UUID id, String outputObjectKey, Instant now) {
    return transactions.update(
            "UPDATE training_sets SET output_deleted_at = ? WHERE id = ? AND status = 'EXPIRED'"
                + " AND output_object_key = ? AND output_deleted_at IS NULL",
            Timestamp.from(now),
            id,
            outputObjectKey)
        == 1;
  }

  @Override
  public int renewLeases() {
    return leases.renew();
  }

  @Override
  public int failExpired(String reason) {
    // One conditional update: the holder renewing at the same moment either commits first (and
    // the lease is no longer expired here) or finds the row FAILED.
    return transactions.update(
        "UPDATE training_sets SET status = 'FAILED', error = ?, completed_at = now() WHERE "
            + Leases.UNFINISHED
            + " AND "
            + Leases.EXPIRED,
        reason,
        lease.replicaId());
  }

  private static List<TrainingSet> select(Connection connection, String where, Object... parameters)
      throws SQLException {
    return Transactions.list(
        connection,
        "SELECT " + COLUMNS + " FROM training_sets t " + where,
        rows -> {
          UUID id = rows.getObject(1, UUID.class);
          return new TrainingSet(
              id,
              rows.getString(2),
              TrainingSetStatus.valueOf(rows.getString(3)),
              rows.getString(4),
              longs(rows.getString(5)),
              inputs(connection, id),
              Optional.ofNullable(rows.getString(6)),
              Optional.ofNullable(rows.getString(7)),
              rows.getLong(8),
              rows.getLong(9),
              rows.getLong(10),
              longs(rows.getString(11)),
              Optional.ofNullable(rows.getString(12)),
              Optional.ofNullable(rows.getObject(13, UUID.class)),
              rows.getTimestamp(14).toInstant(),
              instant(rows.getTimestamp(15)),
              new OutputRetention(
                  Optional.ofNullable(rows.getString(16))
                      .map(text -> MaxAge.parse("retention", text))
                      .orElse(MaxAge.FOREVER),
                  instant(rows.getTimestamp(17)),
                  instant(rows.getTimestamp(18)),
                  instant(rows.getTimestamp(19))));
        },
        parameters);
  }

  private static List<TrainingSetInput> inputs(Connection connection, UUID id) throws SQLException {
    return Transactions.list(
        connection,
        "SELECT g.name, i.data_file_id, i.content_hash FROM training_set_inputs i"
            + " JOIN feature_groups g ON g.id = i.feature_group_id"
            + " WHERE i.training_set_id = ? ORDER BY g.name, i.data_file_id",
        rows ->
            new TrainingSetInput(
                rows.getString(1), rows.getObject(2, UUID.class), rows.getString(3)),
        id);
  }

  private static Optional<Instant> instant(Timestamp timestamp) {
    return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
  }

  private static Map<String, Long> longs(String json) {
    Map<String, Long> values = new LinkedHashMap<>();
    if (json == null) {
      return values;
    }
    JsonNode node = JSON.readTree(json);
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      values.put(entry.getKey(), entry.getValue().asLong());
    }
    return values;
  }
}
