package dev.featurestore.storage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEntry;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditPage;
import dev.featurestore.core.audit.AuditQuery;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.testing.TestingPostgres;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcAuditLogIT {
  private JdbcAuditLog auditLog;
  private IssuedApiKey scientist;

  @BeforeEach
  void freshCatalog() {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    auditLog = new JdbcAuditLog(dataSource, TestKeyDigests.DIGESTS);
    scientist = new JdbcApiKeys(dataSource).issue("scientist", Role.DATA_SCIENTIST);
  }

  @Test
  void readsBackWhatItRecorded() {
    AuditEvent event =
        event(AuditAction.COMMIT, AuditTargetType.FEATURE_GROUP, "user_activity")
            .withEntity("user_id")
            .withKeys(List.of("u1", "u2"))
            .withDetail("rows", 3)
            .withDetail("commitId", UUID.randomUUID());

    AuditEntry recorded = auditLog.record(event);

    assertThat(auditLog.find(AuditQuery.all(10)).entries()).containsExactly(recorded);
    assertThat(recorded.event().details()).containsEntry("rows", 3);
    assertThat(recorded.event().apiKeyId()).contains(scientist.apiKey().id());
  }

  @Test
  void filtersByEntityKeyTargetApiKeyAndTime() {
    AuditEntry entity =
        auditLog.record(
            event(AuditAction.CREATE, AuditTargetType.ENTITY, "user_id").withEntity("user_id"));
    AuditEntry keyed =
        auditLog.record(
            event(AuditAction.COMMIT, AuditTargetType.FEATURE_GROUP, "user_activity")
                .withEntity("user_id")
                .withKeys(List.of("u123")));
    AuditEntry server =
        auditLog.record(
            AuditEvent.of(
                "server", Optional.empty(), AuditAction.CREATE, AuditTargetType.API_KEY, "first"));

    assertThat(ids(AuditQuery.all(10).withEntity("user_id")))
        .containsExactly(keyed.id(), entity.id());
    // Keys are stored as keyed digests of entity and key, so a key is asked for with its entity.
    assertThat(ids(AuditQuery.all(10).withEntity("user_id").withKey("u123")))
        .containsExactly(keyed.id());
    assertThat(ids(AuditQuery.all(10).withEntity("user_id").withKey("u12"))).isEmpty();
    assertThat(ids(AuditQuery.all(10).withTarget(AuditTargetType.API_KEY, "first")))
        .containsExactly(server.id());
    assertThat(ids(AuditQuery.all(10).withApiKeyId(scientist.apiKey().id())))
        .containsExactly(keyed.id(), entity.id());
    assertThat(ids(AuditQuery.all(10).withSince(server.occurredAt()))).contains(server.id());
    assertThat(ids(AuditQuery.all(10).withSince(Instant.now().plusSeconds(60)))).isEmpty();
  }

  @Test
  void pagesNewestFirst() {
    for (int i = 0; i < 5; i++) {
      auditLog.record(event(AuditAction.CREATE, AuditTargetType.ENTITY, "entity_" + i));
    }

    AuditPage first = auditLog.find(AuditQuery.all(2));
    AuditPage second =
        auditLog.find(AuditQuery.all(2).withBefore(first.nextBefore().orElseThrow()));
    AuditPage last = auditLog.find(AuditQuery.all(2).withBefore(second.nextBefore().orElseThrow()));

    assertThat(targets(first)).containsExactly("entity_4", "entity_3");
    assertThat(targets(second)).containsExactly("entity_2", "entity_1");
    assertThat(targets(last)).containsExactly("entity_0");
    assertThat(last.nextBefore()).isEmpty();
  }

  private AuditEvent event(AuditAction action, AuditTargetType type, String target) {
    return AuditEvent.of(
        scientist.apiKey().name(), Optional.of(scientist.apiKey().id()), action, type, target);
  }

  private List<Long> ids(AuditQuery query) {
    return auditLog.find(query).entries().stream().map(AuditEntry::id).toList();
  }

  private static List<String> targets(AuditPage page) {
    return page.entries().stream().map(entry -> entry.event().target()).toList();
  }
}
