package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import dev.featurestore.core.lifecycle.DependentsPolicy;
import dev.featurestore.core.lifecycle.GroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletionLedger;
import dev.featurestore.core.lifecycle.GroupDeletionReceipt;
import dev.featurestore.core.lifecycle.GroupDependents;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ledger of group deletions in Postgres: the {@code feature_group_deletions} table, and no
 * other. Deleted object keys are kept as a set, so that a run repeated after a failure counts each
 * object once.
 */
public final class JdbcGroupDeletionLedger implements GroupDeletionLedger {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<GroupDependents.TrainingSetName>> TRAINING_SETS =
      new TypeReference<>() {};
  private static final TypeReference<List<ModelVersion>> MODELS = new TypeReference<>() {};

  private final Transactions transactions;

  public JdbcGroupDeletionLedger(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public void create(
      UUID id,
      String featureGroup,
      UUID jobId,
      DependentsPolicy policy,
      String principal,
      GroupDependents dependents) {
    transactions.update(
        "INSERT INTO feature_group_deletions (id, feature_group, job_id, policy, principal,"
            + " training_sets_to_rebuild, models_to_retrain) VALUES (?, ?, ?, ?, ?, ?::jsonb,"
            + " ?::jsonb)",
        id,
        featureGroup,
        jobId,
        policy.name(),
        principal,
        JSON.writeValueAsString(dependents.trainingSets()),
        JSON.writeValueAsString(dependents.models()));
  }

  @Override
  public Optional<GroupDeletion> find(UUID id) {
    return transactions.inTransaction(connection -> select(connection, "id = ?", id));
  }

  @Override
  public Optional<GroupDeletion> findByJob(UUID jobId) {
    return transactions.inTransaction(connection -> select(connection, "job_id = ?", jobId));
  }

  @Override
  public void reassign(UUID id, UUID jobId) {
    transactions.update("UPDATE feature_group_deletions SET job_id = ? WHERE id = ?", jobId, id);
  }

  @Override
  public void recordObjects(UUID id, Collection<String> objectKeys) {
    transactions.inTransaction(
        connection ->
            Transactions.update(
                connection,
                "UPDATE feature_group_deletions SET deleted_objects ="
                    + " ARRAY(SELECT DISTINCT unnest(deleted_objects || ?::text[]))"
                    + " WHERE id = ?",
                connection.createArrayOf("text", objectKeys.toArray()),
                id));
  }

  @Override
  public void complete(UUID id) {
    transactions.update(
        "UPDATE feature_group_deletions SET completed_at = now()"
            + " WHERE id = ? AND completed_at IS NULL",
        id);
  }

  private static Optional<GroupDeletion> select(
      Connection connection, String condition, Object parameter) throws SQLException {
    List<GroupDeletion> found =
        Transactions.list(
            connection,
            "SELECT id, feature_group, job_id, policy, principal, created_at,"
                + " cardinality(deleted_objects), training_sets_to_rebuild::text,"
                + " models_to_retrain::text, completed_at"
                + " FROM feature_group_deletions WHERE "
                + condition,
            rows ->
                new GroupDeletion(
                    rows.getObject(1, UUID.class),
                    rows.getString(2),
                    rows.getObject(3, UUID.class),
                    DependentsPolicy.valueOf(rows.getString(4)),
                    rows.getString(5),
                    rows.getTimestamp(6).toInstant(),
                    new GroupDeletionReceipt(
                        rows.getLong(7),
                        JSON.readValue(rows.getString(8), TRAINING_SETS),
                        JSON.readValue(rows.getString(9), MODELS),
                        Optional.ofNullable(rows.getTimestamp(10)).map(Timestamp::toInstant))),
            parameter);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }
}
