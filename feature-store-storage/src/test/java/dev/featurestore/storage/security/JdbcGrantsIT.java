package dev.featurestore.storage.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Grant;
import dev.featurestore.core.security.ReadScope;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.testing.TestingPostgres;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcGrantsIT {
  private JdbcApiKeys apiKeys;
  private JdbcGrants grants;

  @BeforeEach
  void freshCatalog() {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    apiKeys = new JdbcApiKeys(dataSource);
    grants = new JdbcGrants(dataSource);
  }

  @Test
  void grantsToKeysAndRolesAreListedUntilRevoked() {
    ApiKey scientist = apiKeys.issue("scientist", Role.DATA_SCIENTIST).apiKey();
    Grant toKey =
        grants.add(
            Optional.of(scientist.id()),
            Optional.empty(),
            Set.of(Classification.PII),
            Set.of(ReadScope.OFFLINE),
            "admin");
    Grant toRole =
        grants.add(
            Optional.empty(),
            Optional.of(Role.MODEL_SERVER),
            Set.of(Classification.PII, Classification.SENSITIVE),
            Set.of(ReadScope.OFFLINE, ReadScope.ONLINE),
            "admin");

    assertThat(grants.list()).containsExactly(toKey, toRole);
    assertThat(toRole.createdBy()).isEqualTo("admin");
    assertThat(grants.revoke(toKey.id())).contains(toKey);
    assertThat(grants.revoke(toKey.id())).isEmpty();
    assertThat(grants.list()).containsExactly(toRole);
  }

  @Test
  void aGrantNeedsALiveKey() {
    ApiKey revoked = apiKeys.issue("gone", Role.DATA_SCIENTIST).apiKey();
    apiKeys.revoke(revoked.id());

    for (UUID keyId : new UUID[] {revoked.id(), UUID.randomUUID()}) {
      assertThatThrownBy(
              () ->
                  grants.add(
                      Optional.of(keyId),
                      Optional.empty(),
                      Set.of(Classification.PII),
                      Set.of(ReadScope.ONLINE),
                      "admin"))
          .isInstanceOf(InvalidInputException.class)
          .extracting(e -> ((InvalidInputException) e).errors().getFirst().field())
          .isEqualTo("apiKeyId");
    }
    assertThat(grants.list()).isEmpty();
  }
}
