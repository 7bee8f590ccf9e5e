package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.models.Models;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Model versions and the training sets they were trained on, in the catalog's tables. */
public final class JdbcModels implements Models {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Transactions transactions;

  public JdbcModels(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Model add(Model model) {
    return transactions.inTransaction(
        connection -> {
          UUID id = UUID.randomUUID();
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO models (id, name, version, uri, owner_key_id)"
                      + " VALUES (?, ?, ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, model.name());
            insert.setString(3, model.version());
            insert.setString(4, model.uri());
            insert.setObject(5, model.ownerKeyId().orElse(null));
            insert.executeUpdate();
          } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
              throw new ConflictException(
                  "model " + model.name() + " version " + model.version() + " already exists");
            }
            throw e;
          }
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO model_training_sets (model_id, training_set_id) VALUES (?, ?)"
                      + " ON CONFLICT DO NOTHING")) {
            for (UUID trainingSet : model.trainingSets()) {
              insert.setObject(1, id);
              insert.setObject(2, trainingSet);
              insert.addBatch();
            }
            insert.executeBatch();
          }
          return select(connection, "WHERE m.id = ?", id).get(0);
        });
  }

  @Override
  public Optional<Model> find(String name, String version) {
    return transactions.inTransaction(
        connection -> {
          List<Model> found =
              select(connection, "WHERE m.name = ? AND m.version = ?", name, version);
          return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
  }

  @Override
  public List<Model> list() {
    return transactions.inTransaction(connection -> select(connection, ""));
  }

  /** Models trained on any of the training sets. */
  @Override
  public List<Model> trainedOn(Collection<UUID> trainingSets) {
    if (trainingSets.isEmpty()) {
      return List.of();
    }
    return transactions.inTransaction(
        connection ->
            select(
                connection,
                "WHERE m.id IN (SELECT model_id FROM model_training_sets"
                    + " WHERE training_set_id = ANY(?))",
                connection.createArrayOf("uuid", trainingSets.toArray())));
  }

  private static List<Model> select(Connection connection, String where, Object... parameters)
      throws SQLException {
    Map<UUID, Model> models = new LinkedHashMap<>();
    Map<UUID, List<UUID>> trainingSets = new LinkedHashMap<>();
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT m.id, m.name, m.version, m.uri, m.created_at, t.training_set_id,"
                + " m.owner_key_id FROM models m"
                + " JOIN model_training_sets t ON t.model_id = m.id "
                + where
                + " ORDER BY m.name, m.created_at, t.training_set_id")) {
      Transactions.bind(select, parameters);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          UUID id = rows.getObject(1, UUID.class);
          trainingSets
              .computeIfAbsent(id, key -> new ArrayList<>())
              .add(rows.getObject(6, UUID.class));
          if (!models.containsKey(id)) {
            models.put(
                id,
                new Model(
                    rows.getString(2),
                    rows.getString(3),
                    rows.getString(4),
                    List.of(rows.getObject(6, UUID.class)),
                    Optional.ofNullable(rows.getObject(7, UUID.class)),
                    rows.getTimestamp(5).toInstant()));
          }
        }
      }
    }
    List<Model> result = new ArrayList<>();
    models.forEach(
        (id, model) ->
            result.add(
                new Model(
                    model.name(),
                    model.version(),
                    model.uri(),
                    trainingSets.get(id),
                    model.ownerKeyId(),
                    model.createdAt())));
    return result;
  }
}
