package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.Erasure;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.PublishedTables;
import dev.featurestore.core.erasure.RetentionRun;
import dev.featurestore.core.erasure.RewriteStep;
import dev.featurestore.storage.catalog.Transactions;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ledger of erasures in Postgres: the {@code erasures}, {@code erased_keys} and {@code
 * key_tombstones} tables, and no other. Keys are named by their keyed digests ({@link KeyDigests}),
 * except while the erasure runs ({@code pending_keys}), which needs them to find the rows. A step
 * is written ahead ({@code step_in_doubt}) before its commit through the owner of the object's row,
 * then counted with the replaced object queued for deletion, so that a server stopped at any point
 * resumes without counting a step twice or leaving an old object behind.
 */
public final class JdbcErasureLedger implements ErasureLedger {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> KEY_LIST = new TypeReference<>() {};
  private static final TypeReference<List<ErasureReceipt.ModelVersion>> MODEL_LIST =
      new TypeReference<>() {};
  private static final TypeReference<List<ErasureReceipt.UnreadableObject>> UNREADABLE_LIST =
      new TypeReference<>() {};
  private static final TypeReference<Map<String, Long>> COUNT_BY_NAME = new TypeReference<>() {};

  private final Transactions transactions;
  private final KeyDigests digests;

  public JdbcErasureLedger(DataSource dataSource, KeyDigests digests) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
    this.digests = requireNonNull(digests, "digests is null");
  }

  /** Records the erasure and lays a tombstone per key, in one transaction. */
  @Override
  public void create(UUID id, String entity, List<String> keys, String reason, String principal) {
    KeyDigests.Digester digester = digests.digester();
    List<String> keyDigests = keys.stream().map(key -> digester.digest(entity, key)).toList();
    transactions.inTransaction(
        connection -> {
          Array digestArray = connection.createArrayOf("text", keyDigests.toArray());
          Transactions.update(
              connection,
              "INSERT INTO erasures (id, entity_name, pending_keys, key_count, reason, principal,"
                  + " key_digests) VALUES (?, ?, ?::jsonb, ?, ?, ?, ?)",
              id,
              entity,
              JSON.writeValueAsString(keys),
              keys.size(),
              reason,
              principal,
              digestArray);
          // now() is the transaction's start: the erasure's created_at too.
          Transactions.update(
              connection,
              "INSERT INTO key_tombstones (entity_name, key_digest, erasure_id, erased_at)"
                  + " SELECT ?, digest, ?, now() FROM unnest(?::text[]) AS keys (digest)"
                  + " ON CONFLICT (entity_name, key_digest) DO UPDATE"
                  + " SET erasure_id = excluded.erasure_id, erased_at = excluded.erased_at",
              entity,
              id,
              digestArray);
          JdbcTombstones.bumpVersion(connection);
          return null;
        });
  }

  @Override
  public void createRetention(
      UUID id, String entity, RetentionRun run, String reason, String principal) {
    transactions.update(
        "INSERT INTO erasures (id, entity_name, pending_keys, key_count, reason, principal,"
            + " retention_of, removed_before) VALUES (?, ?, '[]'::jsonb, 0, ?, ?, ?, ?)",
        id,
        entity,
        reason,
        principal,
        run.featureGroup(),
        Timestamp.from(run.removedBefore()));
  }

  @Override
  public Optional<RetentionRun> retentionRun(UUID id) {
    return transactions
        .list(
            "SELECT retention_of, removed_before FROM erasures"
                + " WHERE id = ? AND retention_of IS NOT NULL",
            rows -> new RetentionRun(rows.getString(1), rows.getTimestamp(2).toInstant()),
            id)
        .stream()
        .findFirst();
  }

  @Override
  public boolean retentionInProgress(String featureGroup) {
    // The job tells whether the run is still under way: a failed one is never completed.
    return !transactions
        .list(
            "SELECT 1 FROM erasures e JOIN jobs j ON j.id = e.id WHERE e.retention_of = ?"
                + " AND e.completed_at IS NULL AND j.status IN ('PENDING', 'RUNNING')",
            rows -> rows.getInt(1),
            featureGroup)
        .isEmpty();
  }

  @Override
  public Optional<Erasure> find(UUID id) {
    return transactions.inTransaction(
        connection -> {
          List<Erasure> found = select(connection, "id = ?", id);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public List<Erasure> unfinished() {
    return transactions.inTransaction(
        connection -> select(connection, "completed_at IS NULL ORDER BY created_at"));
  }

  @Override
  public List<Erasure> erasuresOf(String entity, String key) {
    return transactions.inTransaction(
        connection ->
            select(
                connection,
                "id IN (SELECT erasure_id FROM erased_keys WHERE entity_name = ? AND key_digest = ?)"
                    + " ORDER BY created_at",
                entity,
                digests.digest(entity, key)));
  }

  @Override
  public void beginStep(UUID erasureId, RewriteStep step) {
    transactions.update(
        "UPDATE erasures SET step_in_doubt = ?::jsonb WHERE id = ?", stepJson(step), erasureId);
  }

  @Override
  public Optional<RewriteStep> stepInDoubt(UUID erasureId) {
    String json =
        transactions.inTransaction(
            connection ->
                Transactions.single(
                    connection,
                    "SELECT step_in_doubt::text FROM erasures WHERE id = ?",
                    rows -> rows.getString(1),
                    erasureId));
    return Optional.ofNullable(json).map(JdbcErasureLedger::step);
  }

  @Override
  public void recordStep(UUID erasureId, RewriteStep step) {
    String group = step.featureGroup().orElse(null);
    UUID trainingSet =
        step.heldBy() == ErasureReceipt.Holder.TRAINING_SET_OUTPUT ? step.id() : null;
    // Only a step still in doubt is counted, so recording it twice counts it once.
    transactions.update(
        "UPDATE erasures SET files_rewritten = files_rewritten + 1,"
            + " rows_removed = rows_removed + ?,"
            + " objects_to_delete = array_append(objects_to_delete, ?),"
            + " rows_removed_by_group = CASE WHEN ?::text IS NULL THEN rows_removed_by_group"
            + " ELSE jsonb_set(rows_removed_by_group, ARRAY[?::text],"
            + " to_jsonb(COALESCE((rows_removed_by_group ->> ?::text)::bigint, 0) + ?)) END,"
            + " training_sets_affected = CASE WHEN ?::uuid IS NULL"
            + " OR ?::uuid = ANY (training_sets_affected) THEN training_sets_affected"
            + " ELSE array_append(training_sets_affected, ?::uuid) END,"
            + " step_in_doubt = NULL"
            + " WHERE id = ? AND step_in_doubt IS NOT NULL",
        step.rowsRemoved(),
        step.replacedObjectKey(),
        group,
        group,
        group,
        step.rowsRemoved(),
        trainingSet,
        trainingSet,
        trainingSet,
        erasureId);
  }

  @Override
  public void abandonStep(UUID erasureId) {
    transactions.update("UPDATE erasures SET step_in_doubt = NULL WHERE id = ?", erasureId);
  }

  @Override
  public long rowsRemovedFrom(UUID erasureId, String groupName) {
    return transactions.inTransaction(
        connection ->
            Transactions.single(
                connection,
                "SELECT COALESCE((rows_removed_by_group ->> ?)::bigint, 0) FROM erasures"
                    + " WHERE id = ?",
                rows -> rows.getLong(1),
                groupName,
                erasureId));
  }

  @Override
  public void recordUnreadable(UUID erasureId, ErasureReceipt.UnreadableObject object) {
    transactions.update(
        "UPDATE erasures SET unreadable_objects = unreadable_objects || ?::jsonb"
            + " WHERE id = ? AND NOT unreadable_objects @> ?::jsonb",
        JSON.writeValueAsString(List.of(object)),
        erasureId,
        JSON.writeValueAsString(List.of(Map.of("objectKey", object.objectKey()))));
  }

  @Override
  public void recordTrainingSetAffected(UUID erasureId, UUID trainingSet) {
    transactions.update(
        "UPDATE erasures SET training_sets_affected = array_append(training_sets_affected, ?)"
            + " WHERE id = ? AND NOT (? = ANY (training_sets_affected))",
        trainingSet,
        erasureId,
        trainingSet);
  }

  @Override
  public void recordSnapshotsExpired(UUID erasureId, PublishedTables.ExpiredSnapshots expired) {
    transactions.update(
        "UPDATE erasures SET snapshots_expired_by_table = jsonb_set(snapshots_expired_by_table,"
            + " ARRAY[?::text], to_jsonb(COALESCE((snapshots_expired_by_table ->> ?::text)::bigint,"
            + " 0) + ?)) WHERE id = ?",
        expired.table(),
        expired.table(),
        expired.snapshots(),
        erasureId);
  }

  @Override
  public List<String> objectsToDelete(UUID erasureId) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement("SELECT objects_to_delete FROM erasures WHERE id = ?")) {
            select.setObject(1, erasureId);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? List.of((String[]) rows.getArray(1).getArray()) : List.of();
            }
          }
        });
  }

  @Override
  public void complete(UUID erasureId, List<ErasureReceipt.ModelVersion> modelsToRetrain) {
    transactions.inTransaction(
        connection -> {
          Erasure erasure = select(connection, "id = ? FOR UPDATE", erasureId).get(0);
          if (erasure.receipt().completedAt().isPresent()) {
            return null;
          }
          try (PreparedStatement remember =
              connection.prepareStatement(
                  "INSERT INTO erased_keys (entity_name, key_digest, erasure_id) VALUES (?, ?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            for (String digest : erasure.keyDigests()) {
              Transactions.bind(remember, erasure.entity(), digest, erasureId);
              remember.addBatch();
            }
            remember.executeBatch();
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE erasures SET pending_keys = NULL, objects_to_delete = '{}',"
                      + " step_in_doubt = NULL,"
                      + " receipt = ?::jsonb, completed_at = now() WHERE id = ?")) {
            update.setString(1, JSON.writeValueAsString(modelsToRetrain));
            update.setObject(2, erasureId);
            update.executeUpdate();
          }
          return null;
        });
  }

  private static List<Erasure> select(Connection connection, String condition, Object... params)
      throws SQLException {
    return Transactions.list(
        connection,
        "SELECT id, entity_name, pending_keys, key_count, reason, principal, created_at,"
            + " files_rewritten, rows_removed, training_sets_affected, receipt, completed_at,"
            + " unreadable_objects, key_digests, snapshots_expired_by_table"
            + " FROM erasures WHERE "
            + condition,
        rows -> {
          String keys = rows.getString(3);
          String models = rows.getString(11);
          Array affected = rows.getArray(10);
          Timestamp completedAt = rows.getTimestamp(12);
          return new Erasure(
              rows.getObject(1, UUID.class),
              rows.getString(2),
              keys == null ? List.of() : JSON.readValue(keys, KEY_LIST),
              List.of((String[]) rows.getArray(14).getArray()),
              rows.getInt(4),
              rows.getString(5),
              rows.getString(6),
              rows.getTimestamp(7).toInstant(),
              new ErasureReceipt(
                  rows.getLong(8),
                  rows.getLong(9),
                  Arrays.asList((UUID[]) affected.getArray()),
                  models == null ? List.of() : JSON.readValue(models, MODEL_LIST),
                  JSON.readValue(rows.getString(13), UNREADABLE_LIST),
                  JSON.readValue(rows.getString(15), COUNT_BY_NAME),
                  Optional.ofNullable(completedAt).map(Timestamp::toInstant)));
        },
        params);
  }

  private static String stepJson(RewriteStep step) {
    ObjectNode json = JSON.createObjectNode();
    json.put("heldBy", step.heldBy().name());
    json.put("id", step.id().toString());
    step.featureGroup().ifPresent(group -> json.put("featureGroup", group));
    json.put("replacedObjectKey", step.replacedObjectKey());
    step.newObjectKey().ifPresent(key -> json.put("newObjectKey", key));
    json.put("rowsRemoved", step.rowsRemoved());
    return JSON.writeValueAsString(json);
  }

  private static RewriteStep step(String stepJson) {
    JsonNode json = JSON.readTree(stepJson);
    return new RewriteStep(
        ErasureReceipt.Holder.valueOf(json.get("heldBy").asString()),
        UUID.fromString(json.get("id").asString()),
        Optional.ofNullable(json.get("featureGroup")).map(JsonNode::asString),
        json.get("replacedObjectKey").asString(),
        Optional.ofNullable(json.get("newObjectKey")).map(JsonNode::asString),
        json.get("rowsRemoved").asLong());
  }
}
