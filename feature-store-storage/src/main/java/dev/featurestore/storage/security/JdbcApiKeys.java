package dev.featurestore.storage.security;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.Transactions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * API keys in the catalog's {@code api_keys} table, stored as SHA-256 hashes of their secrets.
 *
 * <p>A plain, unsalted SHA-256 is the right hash here, unlike for passwords: the secrets this class
 * issues are 32 random bytes, so there is nothing to guess and a slow, salted hash (bcrypt, Argon2)
 * would only add milliseconds to every request. The unsalted hash also lets a request find its key
 * with one indexed lookup. A configured first admin key is the operator's choice; the server
 * requires it to be long (see the api module) for the same reason.
 */
public final class JdbcApiKeys implements ApiKeys {
  /** Marks our secrets, so that a leaked one is recognisable by secret scanners. */
  public static final String SECRET_PREFIX = "fs_";

  private static final int SECRET_BYTES = 32;
  private static final String COLUMNS = "id, name, role, created_at, revoked_at";

  private final Transactions transactions;
  private final SecureRandom random = new SecureRandom();

  public JdbcApiKeys(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public IssuedApiKey issue(String name, Role role) {
    String secret = randomSecret();
    ApiKey key = transactions.inTransaction(connection -> insert(connection, name, role, secret));
    return new IssuedApiKey(key, secret);
  }

  @Override
  public Optional<IssuedApiKey> issueFirstAdminKey(String name, Optional<String> secret) {
    String chosen = secret.orElseGet(this::randomSecret);
    return transactions.inTransaction(
        connection -> {
          // Servers starting together on one catalog must not each issue a first key.
          try (Statement lock = connection.createStatement()) {
            lock.execute("LOCK TABLE api_keys IN SHARE ROW EXCLUSIVE MODE");
          }
          try (PreparedStatement exists =
              connection.prepareStatement("SELECT 1 FROM api_keys WHERE role = ? LIMIT 1")) {
            exists.setString(1, Role.ADMIN.name());
            try (ResultSet rows = exists.executeQuery()) {
              if (rows.next()) {
                return Optional.empty();
              }
            }
          }
          return Optional.of(
              new IssuedApiKey(insert(connection, name, Role.ADMIN, chosen), chosen));
        });
  }

  @Override
  public Optional<ApiKey> verify(String secret) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement select =
              connection.prepareStatement(
                  "SELECT "
                      + COLUMNS
                      + " FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")) {
            select.setString(1, hash(secret));
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(apiKey(rows)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public ApiKey revoke(UUID id) {
    return transactions.inTransaction(
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ?"
                      + " RETURNING "
                      + COLUMNS)) {
            update.setObject(1, id);
            try (ResultSet rows = update.executeQuery()) {
              if (!rows.next()) {
                throw new NotFoundException("API key '" + id + "' not found");
              }
              return apiKey(rows);
            }
          }
        });
  }

  @Override
  public List<ApiKey> list() {
    return transactions.list(
        "SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id", JdbcApiKeys::apiKey);
  }

  private static ApiKey insert(Connection connection, String name, Role role, String secret)
      throws SQLException {
    ApiKey key =
        new ApiKey(
            UUID.randomUUID(),
            name,
            role,
            Instant.now().truncatedTo(ChronoUnit.MICROS),
            Optional.empty());
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO api_keys (id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
      insert.setObject(1, key.id());
      insert.setString(2, key.name());
      insert.setString(3, key.role().name());
      insert.setString(4, hash(secret));
      insert.setTimestamp(5, Timestamp.from(key.createdAt()));
      insert.executeUpdate();
    }
    return key;
  }

  private String randomSecret() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String hash(String secret) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides SHA-256", e);
    }
  }

  private static ApiKey apiKey(ResultSet row) throws SQLException {
    Timestamp revokedAt = row.getTimestamp("revoked_at");
    return new ApiKey(
        row.getObject("id", UUID.class),
        row.getString("name"),
        Role.valueOf(row.getString("role")),
        row.getTimestamp("created_at").toInstant(),
        Optional.ofNullable(revokedAt).map(Timestamp::toInstant));
  }
}
