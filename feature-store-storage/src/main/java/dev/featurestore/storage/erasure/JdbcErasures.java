package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.storage.catalog.Transactions;
import dev.featurestore.storage.lineage.LineageIndex;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ledger of erasures in Postgres. Every step an erasure takes (a file, an uploaded spine or a
 * training-set output rewritten) is recorded in the same transaction as its effect on the catalog,
 * with the replaced object queued for deletion, so that a server stopped at any point resumes
 * without counting a step twice or leaving an old object behind.
 */
public final class JdbcErasures {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> KEY_LIST = new TypeReference<>() {};
  private static final TypeReference<List<ErasureReceipt.ModelVersion>> MODEL_LIST =
      new TypeReference<>() {};
  private static final TypeReference<List<ErasureReceipt.UnreadableObject>> UNREADABLE_LIST =
      new TypeReference<>() {};

  private final Transactions transactions;

  public JdbcErasures(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  /** Records an erasure for the job {@code id}, keeping its keys until it completes. */
  public void create(UUID id, String entity, List<String> keys, String reason, String principal) {
    transactions.update(
        "INSERT INTO erasures (id, entity_name, pending_keys, key_count, reason, principal)"
            + " VALUES (?, ?, ?::jsonb, ?, ?, ?)",
        id,
        entity,
        JSON.writeValueAsString(keys),
        keys.size(),
        reason,
        principal);
  }

  public Optional<Erasure> find(UUID id) {
    return transactions.inTransaction(
        connection -> {
          List<Erasure> found = select(connection, "id = ?", id);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  /** Erasures a stopped server left unfinished, oldest first. */
  public List<Erasure> unfinished() {
    return transactions.inTransaction(
        connection -> select(connection, "completed_at IS NULL ORDER BY created_at"));
  }

  /** The completed erasures that erased {@code key} of {@code entity}, oldest first. */
  public List<Erasure> erasuresOf(String entity, String key) {
    return transactions.inTransaction(
        connection ->
            select(
                connection,
                "id IN (SELECT erasure_id FROM erased_keys WHERE entity_name = ? AND key_digest = ?)"
                    + " ORDER BY created_at",
                entity,
                LineageIndex.keyDigest(entity, key)));
  }

  /**
   * Points the file's catalog row at its rewrite, or, when no row is left, makes the file visible
   * to no version at all (a file without rows adds nothing to any read); the rows removed count for
   * the group too ({@link #rowsRemovedFrom}). Returns false, changing nothing, when the file no
   * longer has {@code old}'s object (another erasure rewrote it first).
   */
  public boolean recordFileRewrite(
      UUID erasureId,
      String groupName,
      DataFile old,
      Optional<NewDataFile> rewritten,
      int schemaVersion,
      long rowsRemoved) {
    return transactions.inTransaction(
        connection -> {
          int updated;
          if (rewritten.isPresent()) {
            NewDataFile file = rewritten.get();
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE data_files SET object_key = ?, schema_version = ?, row_count = ?,"
                        + " byte_size = ?, content_hash = ?, key_min = ?, key_max = ?,"
                        + " event_time_min = ?, event_time_max = ?"
                        + " WHERE id = ? AND object_key = ? AND expired_at IS NULL")) {
              update.setString(1, file.objectKey());
              update.setInt(2, schemaVersion);
              update.setLong(3, file.rowCount());
              update.setLong(4, file.byteSize());
              update.setString(5, file.contentHash());
              update.setString(6, file.keyMin());
              update.setString(7, file.keyMax());
              update.setTimestamp(8, timestamp(file.eventTimeMin()));
              update.setTimestamp(9, timestamp(file.eventTimeMax()));
              update.setObject(10, old.id());
              update.setString(11, old.objectKey());
              updated = update.executeUpdate();
            }
          } else {
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE data_files SET removed_sequence = added_sequence, row_count = 0,"
                        + " replaced_at = now() WHERE id = ? AND object_key = ?"
                        + " AND (removed_sequence IS NULL OR removed_sequence > added_sequence)"
                        + " AND expired_at IS NULL")) {
              update.setObject(1, old.id());
              update.setString(2, old.objectKey());
              updated = update.executeUpdate();
            }
          }
          if (updated == 0) {
            return false;
          }
          recordStep(connection, erasureId, 1, rowsRemoved, old.objectKey(), Optional.empty());
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE erasures SET rows_removed_by_group = jsonb_set(rows_removed_by_group,"
                      + " ARRAY[?], to_jsonb(COALESCE((rows_removed_by_group ->> ?)::bigint, 0)"
                      + " + ?)) WHERE id = ?")) {
            Transactions.bind(update, groupName, groupName, rowsRemoved, erasureId);
            update.executeUpdate();
          }
          return true;
        });
  }

  /** Rows the erasure removed from the group's files, over every run of it (a resumed one too). */
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

  /**
   * Names an object the erasure could not read in its receipt, once however often a resumed erasure
   * meets it.
   */
  public void recordUnreadable(UUID erasureId, ErasureReceipt.UnreadableObject object) {
    transactions.update(
        "UPDATE erasures SET unreadable_objects = unreadable_objects || ?::jsonb"
            + " WHERE id = ? AND NOT unreadable_objects @> ?::jsonb",
        JSON.writeValueAsString(List.of(object)),
        erasureId,
        JSON.writeValueAsString(List.of(Map.of("objectKey", object.objectKey()))));
  }

  /**
   * Removes the rows of {@code keys} (in the entity's column) from the inline spines of every
   * stored training-set request, whatever the training set's status: a request refused while it was
   * built, or cut short by a crash, is stored FAILED with its spine but has no lineage through
   * which an erasure would find it. Returns how many requests changed.
   */
  public int scrubInlineSpines(String entity, Collection<String> keys) {
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

  /**
   * Points a training set at its rewritten output, with the erased rows counted in {@code
   * rows_erased}. Returns false, changing nothing, when the output is no longer {@code
   * oldObjectKey}.
   */
  public boolean recordTrainingSetRewrite(
      UUID erasureId,
      UUID trainingSet,
      String oldObjectKey,
      String newObjectKey,
      String newHash,
      long newRows,
      long rowsRemoved) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE training_sets SET output_object_key = ?, output_hash = ?, row_count = ?,"
                      + " rows_erased = rows_erased + ? WHERE id = ? AND output_object_key = ?")) {
            Transactions.bind(
                update, newObjectKey, newHash, newRows, rowsRemoved, trainingSet, oldObjectKey);
            if (update.executeUpdate() == 0) {
              return false;
            }
          }
          recordStep(connection, erasureId, 1, rowsRemoved, oldObjectKey, Optional.of(trainingSet));
          return true;
        });
  }

  /**
   * Points an uploaded spine's catalog row at its rewrite ({@code newObjectKey}, a Parquet file of
   * {@code rows} rows and {@code byteSize} bytes; its columns and their types are unchanged).
   * Returns false, changing nothing, when the upload is no longer {@code oldObjectKey}.
   */
  public boolean recordUploadRewrite(
      UUID erasureId,
      UUID upload,
      String oldObjectKey,
      String newObjectKey,
      String contentType,
      long byteSize,
      long rows,
      long rowsRemoved) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE uploads SET object_key = ?, content_type = ?, byte_size = ?,"
                      + " row_count = ? WHERE id = ? AND object_key = ?")) {
            Transactions.bind(
                update, newObjectKey, contentType, byteSize, rows, upload, oldObjectKey);
            if (update.executeUpdate() == 0) {
              return false;
            }
          }
          recordStep(connection, erasureId, 1, rowsRemoved, oldObjectKey, Optional.empty());
          return true;
        });
  }

  /** Counts a training set as affected even when its output held none of the keys' rows. */
  public void recordTrainingSetAffected(UUID erasureId, UUID trainingSet) {
    transactions.update(
        "UPDATE erasures SET training_sets_affected = array_append(training_sets_affected, ?)"
            + " WHERE id = ? AND NOT (? = ANY (training_sets_affected))",
        trainingSet,
        erasureId,
        trainingSet);
  }

  /** Replaced objects not yet deleted from the object store. */
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

  /**
   * Ends the erasure: its keys are forgotten, except as digests (in {@code erased_keys} and in the
   * lineage key table, so that "which training sets used this key, and was it erased?" can still be
   * answered for a key a caller names), and the receipt is final.
   */
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
                          + " ON CONFLICT DO NOTHING");
              PreparedStatement forget =
                  connection.prepareStatement(
                      "UPDATE entity_keys SET key_value = 'erased:' || id, erased_digest = ?"
                          + " WHERE entity_name = ? AND key_value = ?")) {
            for (String key : erasure.pendingKeys()) {
              String digest = LineageIndex.keyDigest(erasure.entity(), key);
              remember.setString(1, erasure.entity());
              remember.setString(2, digest);
              remember.setObject(3, erasureId);
              remember.addBatch();
              forget.setString(1, digest);
              forget.setString(2, erasure.entity());
              forget.setString(3, key);
              forget.addBatch();
            }
            remember.executeBatch();
            forget.executeBatch();
          }
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE erasures SET pending_keys = NULL, objects_to_delete = '{}',"
                      + " receipt = ?::jsonb, completed_at = now() WHERE id = ?")) {
            update.setString(1, JSON.writeValueAsString(modelsToRetrain));
            update.setObject(2, erasureId);
            update.executeUpdate();
          }
          return null;
        });
  }

  private static void recordStep(
      Connection connection,
      UUID erasureId,
      long files,
      long rowsRemoved,
      String replacedObject,
      Optional<UUID> trainingSet)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE erasures SET files_rewritten = files_rewritten + ?,"
                + " rows_removed = rows_removed + ?,"
                + " objects_to_delete = array_append(objects_to_delete, ?),"
                + " training_sets_affected = CASE WHEN ?::uuid IS NULL"
                + " OR ?::uuid = ANY (training_sets_affected) THEN training_sets_affected"
                + " ELSE array_append(training_sets_affected, ?::uuid) END"
                + " WHERE id = ?")) {
      UUID set = trainingSet.orElse(null);
      update.setLong(1, files);
      update.setLong(2, rowsRemoved);
      update.setString(3, replacedObject);
      update.setObject(4, set);
      update.setObject(5, set);
      update.setObject(6, set);
      update.setObject(7, erasureId);
      update.executeUpdate();
    }
  }

  private static List<Erasure> select(Connection connection, String condition, Object... params)
      throws SQLException {
    return Transactions.list(
        connection,
        "SELECT id, entity_name, pending_keys, key_count, reason, principal, created_at,"
            + " files_rewritten, rows_removed, training_sets_affected, receipt, completed_at,"
            + " unreadable_objects"
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
                  Optional.ofNullable(completedAt).map(Timestamp::toInstant)));
        },
        params);
  }

  /** The stored request with the inline spine rows of the erased keys left out. */
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

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }
}
