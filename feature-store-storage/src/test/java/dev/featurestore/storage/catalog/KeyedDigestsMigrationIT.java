package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration 22 on a catalog written before it: keys in clear are digested, the unkeyed digests of
 * erased keys are keyed, and every key erased before has a tombstone.
 */
class KeyedDigestsMigrationIT {
  private static final UUID ERASURE = UUID.fromString("00000000-0000-0000-0000-000000000017");
  private static final UUID RUNNING = UUID.fromString("00000000-0000-0000-0000-000000000018");

  @Test
  void digestsWhatWasStoredBeforeAndLaysTombstonesForKeysErasedBefore() throws Exception {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    // The catalog as it was before 22 (at a version whose tables the rows below fit).
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .target("13")
        .load()
        .migrate();
    Transactions sql = new Transactions(dataSource);
    sql.update("INSERT INTO entities (name, key_type) VALUES ('user_id', 'STRING')");
    sql.update(
        "INSERT INTO audit_log (principal, action, target_type, target, entity, keys)"
            + " VALUES ('compliance', 'ERASE', 'ENTITY_KEY', 'x', 'user_id', '{u1,u2}')");
    for (UUID job : List.of(ERASURE, RUNNING)) {
      sql.update("INSERT INTO jobs (id, kind, status) VALUES (?, 'ERASURE', 'RUNNING')", job);
    }
    sql.update(
        "INSERT INTO erasures (id, entity_name, key_count, completed_at)"
            + " VALUES (?, 'user_id', 1, now())",
        ERASURE);
    sql.update(
        "INSERT INTO erased_keys (entity_name, key_digest, erasure_id) VALUES ('user_id', ?, ?)",
        unkeyedDigest("u1"),
        ERASURE);
    sql.update(
        "INSERT INTO entity_keys (entity_name, key_value, erased_digest)"
            + " VALUES ('user_id', 'erased:1', ?)",
        unkeyedDigest("u1"));
    sql.update(
        "INSERT INTO erasures (id, entity_name, pending_keys, key_count)"
            + " VALUES (?, 'user_id', '[\"u3\"]', 1)",
        RUNNING);

    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);

    String u1 = TestKeyDigests.DIGESTS.digest("user_id", "u1");
    String u3 = TestKeyDigests.DIGESTS.digest("user_id", "u3");
    assertThat(sql.list("SELECT unnest(keys) FROM audit_log", rows -> rows.getString(1)))
        .containsExactly(u1, TestKeyDigests.DIGESTS.digest("user_id", "u2"));
    assertThat(sql.list("SELECT key_digest FROM erased_keys", rows -> rows.getString(1)))
        .containsExactly(u1);
    assertThat(sql.list("SELECT erased_digest FROM entity_keys", rows -> rows.getString(1)))
        .containsExactly(u1);
    assertThat(
            sql.list(
                "SELECT id::text || ' ' || array_to_string(key_digests, ',') FROM erasures"
                    + " ORDER BY id",
                rows -> rows.getString(1)))
        .containsExactly(ERASURE + " " + u1, RUNNING + " " + u3);
    assertThat(
            sql.list(
                "SELECT key_digest || ' ' || erasure_id FROM key_tombstones ORDER BY erasure_id",
                rows -> rows.getString(1)))
        .containsExactly(u1 + " " + ERASURE, u3 + " " + RUNNING);
  }

  /** The digest the catalog kept of erased keys before migration 22. */
  private static String unkeyedDigest(String key) throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    sha256.update("user_id".getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
  }
}
