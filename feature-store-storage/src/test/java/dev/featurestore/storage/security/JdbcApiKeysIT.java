package dev.featurestore.storage.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.testing.TestingPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JdbcApiKeysIT {
  private DataSource dataSource;
  private JdbcApiKeys apiKeys;

  @BeforeEach
  void freshCatalog() {
    dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    apiKeys = new JdbcApiKeys(dataSource);
  }

  @Test
  void issuedSecretVerifiesToItsKey() {
    IssuedApiKey issued = apiKeys.issue("training pipeline", Role.DATA_SCIENTIST);

    assertThat(issued.secret()).startsWith("fs_").hasSize(3 + 43);
    assertThat(apiKeys.verify(issued.secret())).contains(issued.apiKey());
    assertThat(apiKeys.verify(issued.secret() + "x")).isEmpty();
  }

  @Test
  void storesOnlyTheSha256OfTheSecret() throws SQLException {
    IssuedApiKey issued = apiKeys.issue("model server", Role.MODEL_SERVER);

    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT key_hash FROM api_keys")) {
      rows.next();
      assertThat(rows.getString(1)).hasSize(64).doesNotContain(issued.secret().substring(3));
    }
  }

  @Test
  void revokedKeyNoLongerVerifies() {
    IssuedApiKey issued = apiKeys.issue("leaked", Role.COMPLIANCE);

    ApiKey revoked = apiKeys.revoke(issued.apiKey().id());

    assertThat(revoked.revoked()).isTrue();
    assertThat(apiKeys.verify(issued.secret())).isEmpty();
    assertThat(apiKeys.revoke(issued.apiKey().id()).revokedAt()).isEqualTo(revoked.revokedAt());
    assertThat(apiKeys.list()).extracting(ApiKey::revoked).containsExactly(true);
  }

  @Test
  void revokingAnUnknownKeyIsNotFound() {
    assertThatThrownBy(() -> apiKeys.revoke(UUID.randomUUID()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void firstAdminKeyIsIssuedOnlyOnce() {
    Optional<IssuedApiKey> first =
        apiKeys.issueFirstAdminKey("admin", Optional.of("configured-secret"));
    assertThat(first).isPresent();
    assertThat(apiKeys.verify("configured-secret")).contains(first.orElseThrow().apiKey());

    apiKeys.revoke(first.orElseThrow().apiKey().id());

    assertThat(apiKeys.issueFirstAdminKey("admin", Optional.empty())).isEmpty();
    assertThat(apiKeys.list()).hasSize(1);
  }

  @Test
  void firstAdminKeyIsRandomWhenNoneIsConfigured() {
    IssuedApiKey issued = apiKeys.issueFirstAdminKey("admin", Optional.empty()).orElseThrow();

    assertThat(issued.secret()).startsWith("fs_");
    assertThat(issued.apiKey().role()).isEqualTo(Role.ADMIN);
  }

  @Test
  void rejectsABlankName() {
    assertThatThrownBy(() -> apiKeys.issue(" ", Role.ADMIN))
        .isInstanceOf(InvalidInputException.class);
  }
}
