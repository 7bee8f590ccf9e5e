package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.ArchivedGroupException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.GroupVersion;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.catalog.PendingFileRewrite;
import dev.featurestore.core.discovery.FileStatistics;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.storage.discovery.JdbcFileStatistics;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The catalog in Postgres over plain JDBC; the schema is owned by the Flyway migrations. */
public final class JdbcCatalog implements Catalog {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private static final String ENTITY_COLUMNS = "name, key_type, description, owner, tags";

  private final Transactions transactions;

  public JdbcCatalog(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Entity createEntity(Entity entity) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO entities (name, key_type, description, owner, tags)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, entity.name());
            insert.setString(2, entity.keyType().name());
            insert.setString(3, entity.description());
            insert.setString(4, entity.owner());
            insert.setArray(5, textArray(connection, entity.tags()));
            insert.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new ConflictException("entity '" + entity.name() + "' already exists");
            }
            throw e;
          }
          return entity;
        });
  }

  @Override
  public Optional<Entity> entity(String name) {
    return transactions.inTransaction(connection -> findEntity(connection, name));
  }

  @Override
  public List<Entity> entities() {
    return transactions.list(
        "SELECT " + ENTITY_COLUMNS + " FROM entities ORDER BY name", JdbcCatalog::readEntity);
  }

  @Override
  public Entity describeEntity(Entity described) {
    return transactions.inTransaction(
        connection -> {
          int updated =
              Transactions.update(
                  connection,
                  "UPDATE entities SET description = ?, owner = ?, tags = ? WHERE name = ?",
                  described.description(),
                  described.owner(),
                  textArray(connection, described.tags()),
                  described.name());
          if (updated == 0) {
            throw new NotFoundException("entity '" + described.name() + "' not found");
          }
          return findEntity(connection, described.name()).orElseThrow();
        });
  }

  @Override
  public FeatureGroup createFeatureGroup(FeatureGroup group) {
    return transactions.inTransaction(
        connection -> {
          Entity entity =
              findEntity(connection, group.entity().name())
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "entity '" + group.entity().name() + "' not found"));
          long groupId;
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO feature_groups"
                      + " (name, entity_name, ttl_micros, online, description, owner, tags,"
                      + " max_age, classification, erased_keys)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
            insert.setString(1, group.name());
            insert.setString(2, entity.name());
            insert.setLong(3, EpochMicros.of("ttl", group.ttl()));
            insert.setBoolean(4, group.online());
            insert.setString(5, group.description());
            insert.setString(6, group.owner());
            insert.setArray(7, textArray(connection, group.tags()));
            insert.setString(8, maxAgeText(group.maxAge()));
            insert.setString(9, group.classification().name());
            insert.setString(10, group.erasedKeys().name());
            try (ResultSet keys = insert.executeQuery()) {
              keys.next();
              groupId = keys.getLong(1);
            }
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new ConflictException("feature group '" + group.name() + "' already exists");
            }
            throw e;
          }
          insertSchemaVersion(connection, groupId, 1, group.features());
          return new FeatureGroup(
              group.name(),
              entity,
              group.features(),
              group.ttl(),
              group.online(),
              group.description(),
              1,
              group.owner(),
              group.tags(),
              group.maxAge(),
              group.classification(),
              group.erasedKeys());
        });
  }

  @Override
  public Optional<FeatureGroup> featureGroup(String name) {
    return transactions.inTransaction(connection -> findFeatureGroup(connection, name));
  }

  @Override
  public List<FeatureGroup> featureGroups() {
    return transactions.inTransaction(
        connection -> {
          List<String> names =
              Transactions.list(
                  connection,
                  "SELECT name FROM feature_groups WHERE deletion_id IS NULL ORDER BY name",
                  rows -> rows.getString(1));
          List<FeatureGroup> groups = new ArrayList<>();
          for (String name : names) {
            groups.add(findFeatureGroup(connection, name).orElseThrow());
          }
          return groups;
        });
  }

  @Override
  public List<GroupVersion> groupVersions() {
    return transactions.list(
        "SELECT name, latest_sequence, current_schema_version, online FROM feature_groups"
            + " WHERE deleted_at IS NULL ORDER BY name",
        rows ->
            new GroupVersion(
                rows.getString(1), rows.getLong(2), rows.getInt(3), rows.getBoolean(4)));
  }

  @Override
  public FeatureGroup addFeatures(String groupName, List<FeatureDefinition> features) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockKeptGroup(connection, groupName);
          FeatureGroup next =
              findFeatureGroup(connection, groupName).orElseThrow().withFeaturesAdded(features);
          insertSchemaVersion(connection, row.id(), next.schemaVersion(), next.features());
          Transactions.update(
              connection,
              "UPDATE feature_groups SET current_schema_version = ? WHERE id = ?",
              next.schemaVersion(),
              row.id());
          return next;
        });
  }

  @Override
  public FeatureGroup describeFeatureGroup(FeatureGroup described) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockKeptGroup(connection, described.name());
          int current =
              Transactions.single(
                  connection,
                  "SELECT current_schema_version FROM feature_groups WHERE id = ?",
                  rows -> rows.getInt(1),
                  row.id());
          if (current != described.schemaVersion()) {
            throw new ConflictException(
                "feature group '" + described.name() + "' is at schema version " + current);
          }
          Transactions.update(
              connection,
              "UPDATE feature_groups SET description = ?, owner = ?, tags = ?, classification = ?"
                  + " WHERE id = ?",
              described.description(),
              described.owner(),
              textArray(connection, described.tags()),
              described.classification().name(),
              row.id());
          // Descriptions and classifications are documentation, not schema: the current version's
          // features change
          // in place rather than a new version being written.
          Transactions.update(
              connection,
              "UPDATE feature_group_schema_versions SET features = ?::jsonb"
                  + " WHERE feature_group_id = ? AND version = ?",
              writeFeatures(described.features()),
              row.id(),
              current);
          return findFeatureGroup(connection, described.name()).orElseThrow();
        });
  }

  @Override
  public FeatureGroup retainFor(String groupName, MaxAge maxAge) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockGroup(connection, groupName);
          Transactions.update(
              connection,
              "UPDATE feature_groups SET max_age = ? WHERE id = ?",
              maxAgeText(maxAge),
              row.id());
          return findFeatureGroup(connection, groupName).orElseThrow();
        });
  }

  /** NULL keeps rows for ever; otherwise the ISO-8601 text, which reads back as the same age. */
  private static String maxAgeText(MaxAge maxAge) {
    return maxAge.isForever() ? null : maxAge.toString();
  }

  @Override
  public FeatureGroup markOnline(String groupName, boolean online) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockKeptGroup(connection, groupName);
          Transactions.update(
              connection, "UPDATE feature_groups SET online = ? WHERE id = ?", online, row.id());
          return findFeatureGroup(connection, groupName).orElseThrow();
        });
  }

  @Override
  public FeatureGroup setErasedKeyPolicy(String groupName, ErasedKeyPolicy policy) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockKeptGroup(connection, groupName);
          Transactions.update(
              connection,
              "UPDATE feature_groups SET erased_keys = ? WHERE id = ?",
              policy.name(),
              row.id());
          return findFeatureGroup(connection, groupName).orElseThrow();
        });
  }

  @Override
  public void archive(String groupName) {
    transactions.inTransaction(
        connection ->
            Transactions.update(
                connection,
                "UPDATE feature_groups SET archived_at = COALESCE(archived_at, now())"
                    + " WHERE id = ?",
                lockKeptGroup(connection, groupName).id()));
  }

  @Override
  public void unarchive(String groupName) {
    transactions.inTransaction(
        connection ->
            Transactions.update(
                connection,
                "UPDATE feature_groups SET archived_at = NULL WHERE id = ?",
                lockKeptGroup(connection, groupName).id()));
  }

  @Override
  public Map<String, Instant> archivedGroups() {
    Map<String, Instant> archived = new TreeMap<>();
    for (Map.Entry<String, Instant> group :
        transactions.list(
            "SELECT name, archived_at FROM feature_groups"
                + " WHERE archived_at IS NOT NULL AND deleted_at IS NULL",
            rows -> Map.entry(rows.getString(1), rows.getTimestamp(2).toInstant()))) {
      archived.put(group.getKey(), group.getValue());
    }
    return archived;
  }

  @Override
  public UUID beginDeletion(String groupName, UUID deletionId) {
    return transactions.inTransaction(
        connection -> {
          GroupRow row = lockGroup(connection, groupName);
          if (row.deletionId() != null) {
            return row.deletionId();
          }
          // Offline at once: every replica's index drops the group when it hears of the change.
          Transactions.update(
              connection,
              "UPDATE feature_groups SET deletion_id = ?, online = false WHERE id = ?",
              deletionId,
              row.id());
          return deletionId;
        });
  }

  @Override
  public boolean deletionCompleted(UUID deletionId) {
    return !transactions
        .list(
            "SELECT id FROM feature_groups WHERE deletion_id = ? AND deleted_at IS NOT NULL",
            rows -> rows.getLong(1),
            deletionId)
        .isEmpty();
  }

  @Override
  public void completeDeletion(UUID deletionId) {
    transactions.inTransaction(
        connection -> {
          List<Long> deleted =
              Transactions.list(
                  connection,
                  "UPDATE feature_groups SET deleted_at = now()"
                      + " WHERE deletion_id = ? AND deleted_at IS NULL RETURNING id",
                  rows -> rows.getLong(1),
                  deletionId);
          for (long groupId : deleted) {
            // The rows stay (training sets name the files they read); their objects are gone.
            Transactions.update(
                connection,
                "UPDATE data_files SET expired_at = now()"
                    + " WHERE feature_group_id = ? AND expired_at IS NULL",
                groupId);
          }
          return null;
        });
  }

  @Override
  public Commit commit(PendingAppend append) {
    return transactions.inTransaction(
        connection -> {
          // The row lock serialises commits of one group, so sequence and write time strictly
          // increase.
          GroupRow group = lockWritableGroup(connection, append.featureGroup());
          if (append.idempotencyKey().isPresent()) {
            Optional<Commit> earlier =
                findCommitByIdempotencyKey(connection, group, append.idempotencyKey().get());
            if (earlier.isPresent()) {
              String earlierHash = requestHash(connection, earlier.get().id());
              if (!append.requestHash().equals(earlierHash)) {
                throw new ConflictException(
                    "idempotency key '"
                        + append.idempotencyKey().get()
                        + "' was already used for a different request");
              }
              return earlier.get();
            }
          }
          long sequence = group.latestSequence() + 1;
          Instant writeTime = nextWriteTime(connection, group);
          UUID commitId =
              insertCommit(
                  connection,
                  group,
                  sequence,
                  writeTime,
                  CommitKind.APPEND,
                  append.schemaVersion(),
                  append.rows(),
                  append.idempotencyKey().orElse(null),
                  append.requestHash(),
                  append.principal());
          List<UUID> fileIds = new ArrayList<>();
          for (NewDataFile file : append.files()) {
            fileIds.add(
                insertDataFile(
                    connection,
                    group.id(),
                    sequence,
                    append.schemaVersion(),
                    file,
                    new SequenceRange(sequence, sequence)));
          }
          if (append.droppedErasedRows() > 0) {
            Transactions.update(
                connection,
                "UPDATE commits SET dropped_erased_rows = ? WHERE id = ?",
                append.droppedErasedRows(),
                commitId);
          }
          advanceLatestSequence(connection, group, sequence);
          return new Commit(
              commitId,
              group.name(),
              sequence,
              writeTime,
              CommitKind.APPEND,
              append.schemaVersion(),
              append.rows(),
              fileIds,
              append.droppedErasedRows());
        });
  }

  @Override
  public Commit compact(PendingCompaction compaction) {
    return transactions.inTransaction(
        connection -> {
          GroupRow group = lockWritableGroup(connection, compaction.featureGroup());
          long sequence = group.latestSequence() + 1;
          Instant writeTime = nextWriteTime(connection, group);
          UUID commitId =
              insertCommit(
                  connection,
                  group,
                  sequence,
                  writeTime,
                  CommitKind.COMPACTION,
                  compaction.schemaVersion(),
                  compaction.rows(),
                  null,
                  null,
                  compaction.principal());
          UUID[] replaced = compaction.replaced().toArray(UUID[]::new);
          SequenceRange rewritten;
          try (PreparedStatement remove =
              connection.prepareStatement(
                  "UPDATE data_files SET removed_sequence = ?, replaced_at = ?"
                      + " WHERE feature_group_id = ? AND id = ANY (?) AND removed_sequence IS NULL"
                      + " RETURNING min_commit_sequence, max_commit_sequence")) {
            remove.setLong(1, sequence);
            remove.setTimestamp(2, Timestamp.from(writeTime));
            remove.setLong(3, group.id());
            remove.setArray(4, connection.createArrayOf("uuid", replaced));
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            int removed = 0;
            try (ResultSet rows = remove.executeQuery()) {
              while (rows.next()) {
                removed++;
                min = Math.min(min, rows.getLong(1));
                max = Math.max(max, rows.getLong(2));
              }
            }
            if (removed != replaced.length) {
              throw new ConflictException(
                  "feature group '" + group.name() + "' was compacted concurrently");
            }
            rewritten = new SequenceRange(min, max);
          }
          List<UUID> fileIds = new ArrayList<>();
          for (NewDataFile file : compaction.files()) {
            fileIds.add(
                insertDataFile(
                    connection, group.id(), sequence, compaction.schemaVersion(), file, rewritten));
          }
          advanceLatestSequence(connection, group, sequence);
          return new Commit(
              commitId,
              group.name(),
              sequence,
              writeTime,
              CommitKind.COMPACTION,
              compaction.schemaVersion(),
              compaction.rows(),
              fileIds);
        });
  }

  /** The commit sequences of the rows a file holds. */
  private record SequenceRange(long min, long max) {}

  private static UUID insertCommit(
      Connection connection,
      GroupRow group,
      long sequence,
      Instant writeTime,
      CommitKind kind,
      int schemaVersion,
      long rows,
      String idempotencyKey,
      String requestHash,
      String principal)
      throws SQLException {
    UUID commitId = UUID.randomUUID();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO commits (id, feature_group_id, sequence, write_time, kind,"
                + " schema_version, row_count, idempotency_key, request_hash, principal)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setObject(1, commitId);
      insert.setLong(2, group.id());
      insert.setLong(3, sequence);
      insert.setTimestamp(4, Timestamp.from(writeTime));
      insert.setString(5, kind.name());
      insert.setInt(6, schemaVersion);
      insert.setLong(7, rows);
      insert.setString(8, idempotencyKey);
      insert.setString(9, requestHash);
      insert.setString(10, principal);
      insert.executeUpdate();
    }
    return commitId;
  }

  /** The compare-and-set: only the holder of the group's row lock can have moved it. */
  private static void advanceLatestSequence(Connection connection, GroupRow group, long sequence)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE feature_groups SET latest_sequence = ? WHERE id = ? AND latest_sequence = ?")) {
      update.setLong(1, sequence);
      update.setLong(2, group.id());
      update.setLong(3, group.latestSequence());
      if (update.executeUpdate() != 1) {
        throw new ConflictException("feature group '" + group.name() + "' changed during commit");
      }
    }
  }

  @Override
  public Optional<Commit> commitByIdempotencyKey(String groupName, String idempotencyKey) {
    return transactions.inTransaction(
        connection ->
            findCommitByIdempotencyKey(
                connection, findGroup(connection, groupName), idempotencyKey));
  }

  @Override
  public Optional<Commit> findCommit(UUID commitId) {
    return transactions.inTransaction(
        connection -> {
          String groupName;
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT g.name FROM commits c JOIN feature_groups g ON g.id = c.feature_group_id"
                      + " WHERE c.id = ? AND g.deleted_at IS NULL")) {
            select.setObject(1, commitId);
            try (ResultSet rows = select.executeQuery()) {
              if (!rows.next()) {
                return Optional.empty();
              }
              groupName = rows.getString(1);
            }
          }
          GroupRow group = findGroup(connection, groupName);
          List<Commit> found = selectCommits(connection, group, "c.id = ?", commitId);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public List<Commit> commitsBetween(String groupName, long afterSequence, long throughSequence) {
    return transactions.inTransaction(
        connection -> {
          GroupRow group = findGroup(connection, groupName);
          return selectCommits(
              connection,
              group,
              "c.feature_group_id = ? AND c.sequence > ? AND c.sequence <= ?",
              group.id(),
              afterSequence,
              throughSequence);
        });
  }

  @Override
  public long liveFilesSmallerThan(String groupName, long bytes) {
    return transactions.inTransaction(
        connection -> {
          GroupRow group = findGroup(connection, groupName);
          return Transactions.single(
              connection,
              "SELECT count(*) FROM data_files"
                  + " WHERE feature_group_id = ? AND removed_sequence IS NULL AND byte_size < ?",
              rows -> rows.getLong(1),
              group.id(),
              bytes);
        });
  }

  @Override
  public long latestSequence(String groupName) {
    return transactions.inTransaction(
        connection -> findGroup(connection, groupName).latestSequence());
  }

  @Override
  public long sequenceAt(String groupName, Instant writeTime) {
    return transactions.inTransaction(
        connection -> {
          GroupRow group = findGroup(connection, groupName);
          return Transactions.single(
              connection,
              "SELECT coalesce(max(sequence), 0) FROM commits"
                  + " WHERE feature_group_id = ? AND write_time <= ?",
              rows -> rows.getLong(1),
              group.id(),
              Timestamp.from(writeTime));
        });
  }

  @Override
  public List<DataFile> dataFiles(String groupName, long sequence) {
    return transactions.inTransaction(
        connection ->
            selectDataFiles(
                connection,
                findGroup(connection, groupName),
                " AND added_sequence <= ? AND (removed_sequence IS NULL OR removed_sequence > ?)",
                sequence,
                sequence));
  }

  @Override
  public List<DataFile> retainedDataFiles(String groupName) {
    return transactions.inTransaction(
        connection ->
            selectDataFiles(
                connection,
                findGroup(connection, groupName),
                // Files an erasure emptied are visible to no version.
                " AND (removed_sequence IS NULL OR removed_sequence > added_sequence)"
                    + " AND expired_at IS NULL"));
  }

  @Override
  public long oldestReadableSequence(String groupName) {
    return transactions.inTransaction(
        connection -> {
          GroupRow group = findGroup(connection, groupName);
          // An expired file was visible from added_sequence up to removed_sequence - 1, and the
          // retention expires files in the order of their replacement, so every version from the
          // latest expired replacement on reads only stored files.
          return Transactions.single(
              connection,
              "SELECT coalesce(max(removed_sequence), 0) FROM data_files"
                  + " WHERE feature_group_id = ? AND expired_at IS NOT NULL"
                  + " AND removed_sequence > added_sequence",
              rows -> rows.getLong(1),
              group.id());
        });
  }

  @Override
  public List<DataFile> replacedFilesToExpire(Instant replacedBefore) {
    return transactions.inTransaction(
        connection ->
            selectDataFilesWhere(
                connection,
                " WHERE replaced_at <= ? AND expired_at IS NULL",
                " ORDER BY replaced_at, object_key",
                Timestamp.from(replacedBefore)));
  }

  @Override
  public boolean expire(UUID fileId) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE data_files SET expired_at = now()"
                      + " WHERE id = ? AND replaced_at IS NOT NULL AND expired_at IS NULL")) {
            update.setObject(1, fileId);
            if (update.executeUpdate() == 0) {
              return false;
            }
          }
          // Nothing of the expired rows stays, their least and greatest values included.
          JdbcFileStatistics.replace(connection, fileId, FileStatistics.NONE);
          return true;
        });
  }

  private static List<DataFile> selectDataFiles(
      Connection connection, GroupRow group, String condition, Object... parameters)
      throws SQLException {
    Object[] groupAndParameters = new Object[parameters.length + 1];
    groupAndParameters[0] = group.id();
    System.arraycopy(parameters, 0, groupAndParameters, 1, parameters.length);
    return selectDataFilesWhere(
        connection,
        " WHERE feature_group_id = ?" + condition,
        " ORDER BY added_sequence, object_key",
        groupAndParameters);
  }

  private static List<DataFile> selectDataFilesWhere(
      Connection connection, String condition, String order, Object... parameters)
      throws SQLException {
    return Transactions.list(
        connection,
        "SELECT id, object_key, added_sequence, removed_sequence, schema_version,"
            + " row_count, byte_size, content_hash, key_min, key_max, event_time_min,"
            + " event_time_max, min_commit_sequence, max_commit_sequence"
            + " FROM data_files"
            + condition
            + order,
        rows -> {
          long removed = rows.getLong(4);
          Optional<Long> removedSequence = rows.wasNull() ? Optional.empty() : Optional.of(removed);
          return new DataFile(
              rows.getObject(1, UUID.class),
              rows.getString(2),
              rows.getLong(3),
              removedSequence,
              rows.getInt(5),
              rows.getLong(6),
              rows.getLong(7),
              rows.getString(8),
              rows.getString(9),
              rows.getString(10),
              instant(rows.getTimestamp(11)),
              instant(rows.getTimestamp(12)),
              rows.getLong(13),
              rows.getLong(14));
        },
        parameters);
  }

  @Override
  public Commit recordErasure(
      String groupName, UUID erasureId, long rowsRemoved, String principal) {
    String idempotencyKey = "erasure:" + erasureId;
    return transactions.inTransaction(
        connection -> {
          GroupRow group = lockGroup(connection, groupName);
          Optional<Commit> earlier = findCommitByIdempotencyKey(connection, group, idempotencyKey);
          if (earlier.isPresent()) {
            return earlier.get();
          }
          long sequence = group.latestSequence() + 1;
          Instant writeTime = nextWriteTime(connection, group);
          int schemaVersion = findFeatureGroup(connection, groupName).orElseThrow().schemaVersion();
          UUID commitId =
              insertCommit(
                  connection,
                  group,
                  sequence,
                  writeTime,
                  CommitKind.ERASURE,
                  schemaVersion,
                  rowsRemoved,
                  idempotencyKey,
                  null,
                  principal);
          advanceLatestSequence(connection, group, sequence);
          return new Commit(
              commitId,
              group.name(),
              sequence,
              writeTime,
              CommitKind.ERASURE,
              schemaVersion,
              rowsRemoved,
              List.of());
        });
  }

  @Override
  public void rewriteFile(PendingFileRewrite rewrite) {
    transactions.inTransaction(
        connection -> {
          GroupRow group = findGroup(connection, rewrite.featureGroup());
          int updated;
          if (rewrite.rewrite().isPresent()) {
            NewDataFile file = rewrite.rewrite().get();
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE data_files SET object_key = ?, schema_version = ?, row_count = ?,"
                        + " byte_size = ?, content_hash = ?, key_min = ?, key_max = ?,"
                        + " event_time_min = ?, event_time_max = ? WHERE feature_group_id = ?"
                        + " AND id = ? AND object_key = ? AND expired_at IS NULL")) {
              update.setString(1, file.objectKey());
              update.setInt(2, rewrite.schemaVersion());
              update.setLong(3, file.rowCount());
              update.setLong(4, file.byteSize());
              update.setString(5, file.contentHash());
              update.setString(6, file.keyMin());
              update.setString(7, file.keyMax());
              update.setTimestamp(8, timestamp(file.eventTimeMin()));
              update.setTimestamp(9, timestamp(file.eventTimeMax()));
              update.setLong(10, group.id());
              update.setObject(11, rewrite.fileId());
              update.setString(12, rewrite.replacedObjectKey());
              updated = update.executeUpdate();
            }
            // The rewrite's rows are every version's rows of this file now: so are its statistics.
            if (updated == 1) {
              JdbcFileStatistics.replace(connection, rewrite.fileId(), file.statistics());
            }
          } else {
            // No row left: the file is visible to no version, and its replacement time starts the
            // retention that expires it.
            try (PreparedStatement update =
                connection.prepareStatement(
                    "UPDATE data_files SET removed_sequence = added_sequence, row_count = 0,"
                        + " replaced_at = now() WHERE feature_group_id = ? AND id = ?"
                        + " AND object_key = ?"
                        + " AND (removed_sequence IS NULL OR removed_sequence > added_sequence)"
                        + " AND expired_at IS NULL")) {
              Transactions.bind(update, group.id(), rewrite.fileId(), rewrite.replacedObjectKey());
              updated = update.executeUpdate();
            }
            if (updated == 1) {
              JdbcFileStatistics.replace(connection, rewrite.fileId(), FileStatistics.NONE);
            }
          }
          if (updated == 0) {
            throw new ConflictException(
                "file "
                    + rewrite.fileId()
                    + " of feature group '"
                    + rewrite.featureGroup()
                    + "' no longer has object "
                    + rewrite.replacedObjectKey());
          }
          return null;
        });
  }

  @Override
  public Optional<DataFile> dataFile(String groupName, UUID fileId) {
    return transactions.inTransaction(
        connection -> {
          List<DataFile> found =
              selectDataFiles(connection, findGroup(connection, groupName), " AND id = ?", fileId);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public boolean referencesObject(String objectKey) {
    return transactions.inTransaction(
        connection ->
            Transactions.single(
                connection,
                "SELECT EXISTS (SELECT 1 FROM data_files"
                    + " WHERE object_key = ? AND expired_at IS NULL)"
                    + " OR EXISTS (SELECT 1 FROM training_sets WHERE output_object_key = ?)"
                    + " OR EXISTS (SELECT 1 FROM uploads WHERE object_key = ?)",
                rows -> rows.getBoolean(1),
                objectKey,
                objectKey,
                objectKey));
  }

  @Override
  public Set<String> referencedContents(Collection<String> contentHashes) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT content_hash FROM data_files WHERE content_hash = ANY (?) AND expired_at IS NULL"
                      + " UNION SELECT output_hash FROM training_sets WHERE output_hash = ANY (?)")) {
            Array hashes = connection.createArrayOf("text", contentHashes.toArray());
            select.setArray(1, hashes);
            select.setArray(2, hashes);
            Set<String> referenced = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                referenced.add(rows.getString(1));
              }
            }
            return referenced;
          }
        });
  }

  private static Optional<Entity> findEntity(Connection connection, String name)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT " + ENTITY_COLUMNS + " FROM entities WHERE name = ?")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(readEntity(rows)) : Optional.empty();
      }
    }
  }

  private static Entity readEntity(ResultSet rows) throws SQLException {
    return new Entity(
        rows.getString(1),
        KeyType.valueOf(rows.getString(2)),
        rows.getString(3),
        rows.getString(4),
        readTextArray(rows, 5));
  }

  private static Array textArray(Connection connection, List<String> values) throws SQLException {
    return connection.createArrayOf("text", values.toArray());
  }

  private static List<String> readTextArray(ResultSet rows, int column) throws SQLException {
    return List.of((String[]) rows.getArray(column).getArray());
  }

  private static Optional<FeatureGroup> findFeatureGroup(Connection connection, String name)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT g.name, g.entity_name, g.ttl_micros, g.online, g.description,"
                + " g.current_schema_version, v.features, g.owner, g.tags, g.max_age,"
                + " g.classification, g.erased_keys"
                + " FROM feature_groups g JOIN feature_group_schema_versions v"
                + " ON v.feature_group_id = g.id AND v.version = g.current_schema_version"
                + " WHERE g.name = ? AND g.deleted_at IS NULL")) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        Entity entity = findEntity(connection, rows.getString(2)).orElseThrow();
        return Optional.of(
            new FeatureGroup(
                rows.getString(1),
                entity,
                readFeatures(rows.getString(7)),
                Duration.of(rows.getLong(3), ChronoUnit.MICROS),
                rows.getBoolean(4),
                rows.getString(5),
                rows.getInt(6),
                rows.getString(8),
                readTextArray(rows, 9),
                rows.getString(10) == null
                    ? MaxAge.FOREVER
                    : MaxAge.parse("max_age", rows.getString(10)),
                Classification.valueOf(rows.getString(11)),
                ErasedKeyPolicy.valueOf(rows.getString(12))));
      }
    }
  }

  private static void insertSchemaVersion(
      Connection connection, long groupId, int version, List<FeatureDefinition> features)
      throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO feature_group_schema_versions (feature_group_id, version, features)"
                + " VALUES (?, ?, ?::jsonb)")) {
      insert.setLong(1, groupId);
      insert.setInt(2, version);
      insert.setString(3, writeFeatures(features));
      insert.executeUpdate();
    }
  }

  private static String writeFeatures(List<FeatureDefinition> features) {
    ArrayNode array = JSON.createArrayNode();
    for (FeatureDefinition feature : features) {
      ObjectNode written =
          array
              .addObject()
              .put("name", feature.name())
              .put("type", feature.type().name())
              .put("dimension", feature.dimension())
              .put("description", feature.description());
      feature
          .classification()
          .ifPresent(classification -> written.put("classification", classification.name()));
    }
    return JSON.writeValueAsString(array);
  }

  private static List<FeatureDefinition> readFeatures(String json) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (JsonNode feature : JSON.readTree(json)) {
      features.add(
          new FeatureDefinition(
              feature.get("name").asString(),
              FeatureType.valueOf(feature.get("type").asString()),
              feature.get("dimension").asInt(),
              feature.path("description").asString(""),
              feature.path("classification").stringValueOpt().map(Classification::valueOf)));
    }
    return features;
  }

  /**
   * The group's row as the commit protocol reads it.
   *
   * @param archivedAt when the group was archived, or null
   * @param deletionId the deletion holding the group, or null
   */
  private record GroupRow(
      long id, String name, long latestSequence, Timestamp archivedAt, UUID deletionId) {}

  private static GroupRow findGroup(Connection connection, String name) throws SQLException {
    return selectGroup(connection, name, "");
  }

  private static GroupRow lockGroup(Connection connection, String name) throws SQLException {
    return selectGroup(connection, name, " FOR UPDATE");
  }

  /** The group's row, locked, unless a deletion holds the group. */
  private static GroupRow lockKeptGroup(Connection connection, String name) throws SQLException {
    GroupRow group = lockGroup(connection, name);
    if (group.deletionId() != null) {
      throw new ConflictException("feature group '" + name + "' is being deleted");
    }
    return group;
  }

  /** The group's row, locked, when it takes commits: neither archived nor being deleted. */
  private static GroupRow lockWritableGroup(Connection connection, String name)
      throws SQLException {
    GroupRow group = lockKeptGroup(connection, name);
    if (group.archivedAt() != null) {
      throw new ArchivedGroupException(name);
    }
    return group;
  }

  private static GroupRow selectGroup(Connection connection, String name, String lockClause)
      throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT id, name, latest_sequence, archived_at, deletion_id FROM feature_groups"
                + " WHERE name = ? AND deleted_at IS NULL"
                + lockClause)) {
      select.setString(1, name);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new NotFoundException("feature group '" + name + "' not found");
        }
        return new GroupRow(
            rows.getLong(1),
            rows.getString(2),
            rows.getLong(3),
            rows.getTimestamp(4),
            rows.getObject(5, UUID.class));
      }
    }
  }

  /** Now, truncated to microseconds, but always after the group's previous write time. */
  private static Instant nextWriteTime(Connection connection, GroupRow group) throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT max(write_time) FROM commits WHERE feature_group_id = ?")) {
      select.setLong(1, group.id());
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        Timestamp previous = rows.getTimestamp(1);
        if (previous != null && !now.isAfter(previous.toInstant())) {
          return previous.toInstant().plus(1, ChronoUnit.MICROS);
        }
        return now;
      }
    }
  }

  private static UUID insertDataFile(
      Connection connection,
      long groupId,
      long sequence,
      int schemaVersion,
      NewDataFile file,
      SequenceRange rowSequences)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO data_files (id, feature_group_id, object_key, added_sequence,"
                + " schema_version, row_count, byte_size, content_hash, key_min, key_max,"
                + " event_time_min, event_time_max, min_commit_sequence, max_commit_sequence)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setObject(1, id);
      insert.setLong(2, groupId);
      insert.setString(3, file.objectKey());
      insert.setLong(4, sequence);
      insert.setInt(5, schemaVersion);
      insert.setLong(6, file.rowCount());
      insert.setLong(7, file.byteSize());
      insert.setString(8, file.contentHash());
      insert.setString(9, file.keyMin());
      insert.setString(10, file.keyMax());
      insert.setTimestamp(11, timestamp(file.eventTimeMin()));
      insert.setTimestamp(12, timestamp(file.eventTimeMax()));
      insert.setLong(13, rowSequences.min());
      insert.setLong(14, rowSequences.max());
      insert.executeUpdate();
    } catch (SQLException e) {
      if (FOREIGN_KEY_VIOLATION.equals(e.getSQLState())
          || UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw new ConflictException("object '" + file.objectKey() + "' is already committed");
      }
      throw e;
    }
    JdbcFileStatistics.replace(connection, id, file.statistics());
    return id;
  }

  private static Optional<Commit> findCommitByIdempotencyKey(
      Connection connection, GroupRow group, String idempotencyKey) throws SQLException {
    List<Commit> commits =
        selectCommits(
            connection,
            group,
            "c.feature_group_id = ? AND c.idempotency_key = ?",
            group.id(),
            idempotencyKey);
    return commits.isEmpty() ? Optional.empty() : Optional.of(commits.get(0));
  }

  private static String requestHash(Connection connection, UUID commitId) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT request_hash FROM commits WHERE id = ?")) {
      select.setObject(1, commitId);
      try (ResultSet rows = select.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private static List<Commit> selectCommits(
      Connection connection, GroupRow group, String condition, Object... parameters)
      throws SQLException {
    Map<UUID, List<UUID>> filesByCommit = new HashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT c.id, f.id FROM commits c JOIN data_files f"
                + " ON f.feature_group_id = c.feature_group_id AND f.added_sequence = c.sequence"
                + " WHERE "
                + condition
                + " ORDER BY f.object_key")) {
      Transactions.bind(select, parameters);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          filesByCommit
              .computeIfAbsent(rows.getObject(1, UUID.class), id -> new ArrayList<>())
              .add(rows.getObject(2, UUID.class));
        }
      }
    }
    return Transactions.list(
        connection,
        "SELECT c.id, c.sequence, c.write_time, c.kind, c.schema_version, c.row_count,"
            + " c.dropped_erased_rows FROM commits c WHERE "
            + condition
            + " ORDER BY c.sequence",
        rows -> {
          UUID id = rows.getObject(1, UUID.class);
          return new Commit(
              id,
              group.name(),
              rows.getLong(2),
              rows.getTimestamp(3).toInstant(),
              CommitKind.valueOf(rows.getString(4)),
              rows.getInt(5),
              rows.getLong(6),
              filesByCommit.getOrDefault(id, List.of()),
              rows.getLong(7));
        },
        parameters);
  }

  private static Timestamp timestamp(Instant instant) {
    return instant == null ? null : Timestamp.from(instant);
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
