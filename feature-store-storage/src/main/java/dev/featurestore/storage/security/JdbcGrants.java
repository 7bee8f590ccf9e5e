package dev.featurestore.storage.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.Grant;
import dev.featurestore.core.security.Grants;
import dev.featurestore.core.security.ReadScope;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.Transactions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Grants in the catalog's {@code grants} table (migration V16); withdrawing one deletes its row.
 */
public final class JdbcGrants implements Grants {
  private static final String COLUMNS =
      "id, api_key_id, role, classes, scopes, created_at, created_by";

  private final Transactions transactions;

  public JdbcGrants(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public Grant add(
      Optional<UUID> apiKeyId,
      Optional<Role> role,
      Set<Classification> classes,
      Set<ReadScope> scopes,
      String createdBy) {
    Grant.requireValid(apiKeyId, role, classes, scopes);
    return transactions.inTransaction(
        connection -> {
          if (apiKeyId.isPresent()) {
            requireLiveKey(connection, apiKeyId.get());
          }
          return Transactions.list(
                  connection,
                  "INSERT INTO grants (id, api_key_id, role, classes, scopes, created_by)"
                      + " VALUES (?, ?, ?, ?, ?, ?) RETURNING "
                      + COLUMNS,
                  JdbcGrants::grant,
                  UUID.randomUUID(),
                  apiKeyId.orElse(null),
                  role.map(Role::name).orElse(null),
                  textArray(connection, classes),
                  textArray(connection, scopes),
                  createdBy)
              .getFirst();
        });
  }

  @Override
  public List<Grant> list() {
    return transactions.list(
        "SELECT " + COLUMNS + " FROM grants ORDER BY created_at, id", JdbcGrants::grant);
  }

  @Override
  public Optional<Grant> revoke(UUID id) {
    return transactions
        .list("DELETE FROM grants WHERE id = ? RETURNING " + COLUMNS, JdbcGrants::grant, id)
        .stream()
        .findFirst();
  }

  private static void requireLiveKey(Connection connection, UUID apiKeyId) throws SQLException {
    List<Boolean> revoked =
        Transactions.list(
            connection,
            "SELECT revoked_at IS NOT NULL FROM api_keys WHERE id = ?",
            rows -> rows.getBoolean(1),
            apiKeyId);
    if (revoked.isEmpty()) {
      throw new InvalidInputException("apiKeyId", "API key " + apiKeyId + " does not exist");
    }
    if (revoked.getFirst()) {
      throw new InvalidInputException("apiKeyId", "API key " + apiKeyId + " is revoked");
    }
  }

  private static java.sql.Array textArray(
      Connection connection, Collection<? extends Enum<?>> values) throws SQLException {
    return connection.createArrayOf("text", values.stream().map(Enum::name).sorted().toArray());
  }

  private static Grant grant(ResultSet rows) throws SQLException {
    return new Grant(
        rows.getObject(1, UUID.class),
        Optional.ofNullable(rows.getObject(2, UUID.class)),
        Optional.ofNullable(rows.getString(3)).map(Role::valueOf),
        enums(rows, 4, Classification.class, Classification::valueOf),
        enums(rows, 5, ReadScope.class, ReadScope::valueOf),
        rows.getTimestamp(6).toInstant(),
        rows.getString(7));
  }

  private static <E extends Enum<E>> Set<E> enums(
      ResultSet rows, int column, Class<E> type, Function<String, E> parse) throws SQLException {
    List<E> values = new ArrayList<>();
    Arrays.stream((String[]) rows.getArray(column).getArray()).map(parse).forEach(values::add);
    return values.isEmpty() ? EnumSet.noneOf(type) : EnumSet.copyOf(values);
  }
}
