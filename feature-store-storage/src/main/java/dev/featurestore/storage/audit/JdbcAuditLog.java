package dev.featurestore.storage.audit;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEntry;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditPage;
import dev.featurestore.core.audit.AuditQuery;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.storage.catalog.Transactions;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log in the catalog's {@code audit_log} table; entries are only ever appended. Entity
 * keys are stored, and read back, as their keyed digests ({@link KeyDigests}): an entry names whom
 * it concerned without keeping the key, and a query for a key digests it to find them.
 */
public final class JdbcAuditLog implements AuditLog {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<LinkedHashMap<String, Object>> DETAILS =
      new TypeReference<>() {};
  private static final String COLUMNS =
      "id, occurred_at, principal, api_key_id, action, target_type, target, entity, keys, details";

  private final Transactions transactions;
  private final KeyDigests digests;

  public JdbcAuditLog(DataSource dataSource, KeyDigests digests) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
    this.digests = requireNonNull(digests, "digests is null");
  }

  /** The keys' digests; keys named without an entity are digested as of the entity "". */
  private List<String> digested(Optional<String> entity, List<String> keys) {
    KeyDigests.Digester digester = digests.digester();
    return keys.stream().map(key -> digester.digest(entity.orElse(""), key)).toList();
  }

  @Override
  public AuditEntry record(AuditEvent event) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO audit_log (principal, api_key_id, action, target_type, target,"
                      + " entity, keys, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                      + " RETURNING "
                      + COLUMNS)) {
            insert.setString(1, event.principal());
            insert.setObject(2, event.apiKeyId().orElse(null), Types.OTHER);
            insert.setString(3, event.action().name());
            insert.setString(4, event.targetType().name());
            insert.setString(5, event.target());
            insert.setString(6, event.entity().orElse(null));
            insert.setArray(
                7,
                connection.createArrayOf("text", digested(event.entity(), event.keys()).toArray()));
            insert.setString(8, JSON.writeValueAsString(event.details()));
            try (ResultSet row = insert.executeQuery()) {
              row.next();
              return entry(row);
            }
          }
        });
  }

  @Override
  public AuditPage find(AuditQuery query) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE true");
    List<Object> parameters = new ArrayList<>();
    query.entity().ifPresent(entity -> condition(sql, parameters, " AND entity = ?", entity));
    query
        .key()
        .ifPresent(
            key ->
                condition(
                    sql,
                    parameters,
                    " AND keys @> ARRAY[?]::text[]",
                    digested(query.entity(), List.of(key)).get(0)));
    query
        .targetType()
        .ifPresent(type -> condition(sql, parameters, " AND target_type = ?", type.name()));
    query.target().ifPresent(target -> condition(sql, parameters, " AND target = ?", target));
    query.apiKeyId().ifPresent(id -> condition(sql, parameters, " AND api_key_id = ?", id));
    query
        .since()
        .ifPresent(
            since -> condition(sql, parameters, " AND occurred_at >= ?", Timestamp.from(since)));
    query.before().ifPresent(before -> condition(sql, parameters, " AND id < ?", before));
    // One row more than asked tells whether an older page exists.
    sql.append(" ORDER BY id DESC LIMIT ").append(query.limit() + 1);
    List<AuditEntry> entries =
        transactions.list(sql.toString(), JdbcAuditLog::entry, parameters.toArray());
    if (entries.size() <= query.limit()) {
      return new AuditPage(entries, Optional.empty());
    }
    List<AuditEntry> page = entries.subList(0, query.limit());
    return new AuditPage(page, Optional.of(page.get(page.size() - 1).id()));
  }

  private static void condition(
      StringBuilder sql, List<Object> parameters, String clause, Object value) {
    sql.append(clause);
    parameters.add(value);
  }

  private static AuditEntry entry(ResultSet row) throws SQLException {
    Array keys = row.getArray("keys");
    String details = row.getString("details");
    Map<String, Object> detailValues =
        details == null ? Map.of() : JSON.readValue(details, DETAILS);
    return new AuditEntry(
        row.getLong("id"),
        row.getTimestamp("occurred_at").toInstant(),
        new AuditEvent(
            row.getString("principal"),
            Optional.ofNullable(row.getObject("api_key_id", UUID.class)),
            AuditAction.valueOf(row.getString("action")),
            AuditTargetType.valueOf(row.getString("target_type")),
            row.getString("target"),
            Optional.ofNullable(row.getString("entity")),
            List.of((String[]) keys.getArray()),
            detailValues));
  }
}
