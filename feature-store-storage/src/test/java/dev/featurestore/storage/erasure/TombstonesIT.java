package dev.featurestore.storage.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditQuery;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.erasure.Tombstone;
import dev.featurestore.core.ingest.ErasedKeyException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.audit.JdbcAuditLog;
import dev.featurestore.storage.catalog.Transactions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Erased keys stay erased, and the catalog's records name them by keyed digest only. */
class TombstonesIT {
  private static final String U1_ROWS =
      """
      {"user_id":"u2","event_time":"2026-03-01T00:00:00Z","clicks":5},
      {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","clicks":6}""";

  @TempDir java.nio.file.Path folder;
  private ErasureTestBed bed;
  private Entity user;
  private JdbcTombstones tombstones;
  private Transactions sql;

  @BeforeEach
  void setUp() throws Exception {
    bed = ErasureTestBed.in(folder);
    bed.storage().userGroup("activity", FeatureDefinition.scalar("clicks", FeatureType.INT64));
    user = bed.storage().catalog().entity("user_id").orElseThrow();
    bed.storage()
        .appendJson(
            "activity",
            """
            {"user_id":"u1","event_time":"2026-02-01T00:00:00Z","clicks":1},
            {"user_id":"u2","event_time":"2026-02-01T00:00:00Z","clicks":2}""");
    tombstones = new JdbcTombstones(bed.storage().dataSource());
    sql = new Transactions(bed.storage().dataSource());
  }

  @AfterEach
  void tearDown() {
    bed.close();
  }

  @Test
  void anErasureLaysATombstoneThatRefusesALaterCommitOfTheKey() throws Exception {
    UUID erasure = bed.record(user, List.of("u1"));

    // Laid when the erasure is requested, before it ran: nothing can bring the key back meanwhile.
    assertThat(tombstones.find("user_id", TestKeyDigests.DIGESTS.digest("user_id", "u1")))
        .get()
        .extracting(Tombstone::erasureId)
        .isEqualTo(erasure);
    bed.run(erasure, bed.eraser());

    assertThatThrownBy(() -> bed.storage().appendJson("activity", U1_ROWS))
        .isInstanceOfSatisfying(
            ErasedKeyException.class,
            refused ->
                assertThat(refused.errors())
                    .extracting(FieldError::field)
                    .containsExactly("rows[1]"));
    assertThat(bed.storage().catalog().latestSequence("activity"))
        .as("the append and the erasure's commit only")
        .isEqualTo(2);
  }

  @Test
  void underDropTheErasedRowsAreLeftOutAndCounted() throws Exception {
    bed.erase(user, List.of("u1"));
    bed.storage().catalog().setErasedKeyPolicy("activity", ErasedKeyPolicy.DROP);

    var commit = bed.storage().appendJson("activity", U1_ROWS);

    assertThat(commit.rows()).isEqualTo(1);
    assertThat(commit.droppedErasedRows()).isEqualTo(1);
    assertThat(bed.storage().catalog().commits("activity").getLast().droppedErasedRows())
        .isEqualTo(1);
    assertThat(bed.keysInGroup("activity", "user_id")).containsOnly("u2");
  }

  @Test
  void aLiftedTombstoneLetsTheKeyBack() throws Exception {
    bed.erase(user, List.of("u1"));
    String digest = TestKeyDigests.DIGESTS.digest("user_id", "u1");

    assertThat(tombstones.lift("user_id", digest)).isPresent();
    assertThat(tombstones.lift("user_id", digest)).isEmpty();

    assertThat(bed.storage().appendJson("activity", U1_ROWS).rows()).isEqualTo(2);
  }

  @Test
  void everyTombstoneChangeMovesTheVersion() throws Exception {
    long before = tombstones.version();
    bed.record(user, List.of("u1"));
    long laid = tombstones.version();
    tombstones.lift("user_id", TestKeyDigests.DIGESTS.digest("user_id", "u1"));

    assertThat(laid).isGreaterThan(before);
    assertThat(tombstones.version()).isGreaterThan(laid);
  }

  @Test
  void erasureRecordsAndTheAuditLogHoldNoKeyInClear() throws Exception {
    JdbcAuditLog audit = new JdbcAuditLog(bed.storage().dataSource(), TestKeyDigests.DIGESTS);
    audit.record(
        AuditEvent.of(
                "compliance",
                Optional.empty(),
                AuditAction.ERASE,
                AuditTargetType.ENTITY_KEY,
                "erasure")
            .withEntity("user_id")
            .withKeys(List.of("user-42-secret")));
    UUID erasure = bed.record(user, List.of("user-42-secret"));
    bed.run(erasure, bed.eraser());

    for (String table : List.of("erasures", "erased_keys", "key_tombstones", "audit_log")) {
      assertThat(
              sql.list(
                  "SELECT count(*) FROM " + table + " t WHERE t::text LIKE '%user-42-secret%'",
                  rows -> rows.getLong(1)))
          .as(table)
          .containsExactly(0L);
    }
    String digest = TestKeyDigests.DIGESTS.digest("user_id", "user-42-secret");
    assertThat(bed.erasures().find(erasure).orElseThrow().keyDigests()).containsExactly(digest);
    assertThat(bed.erasures().erasuresOf("user_id", "user-42-secret"))
        .as("found by the key the caller names")
        .hasSize(1);
    assertThat(
            audit
                .find(AuditQuery.all(10).withEntity("user_id").withKey("user-42-secret"))
                .entries())
        .singleElement()
        .satisfies(entry -> assertThat(entry.event().keys()).containsExactly(digest));
  }
}
