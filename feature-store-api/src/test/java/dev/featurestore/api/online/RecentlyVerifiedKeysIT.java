package dev.featurestore.api.online;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.security.IssuedApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.testing.TestingPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The online listener's key cache against the real key table: how long a revoked key lives. */
class RecentlyVerifiedKeysIT {
  private static final Duration TTL = Duration.ofSeconds(5);

  private Instant now = Instant.parse("2026-03-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public java.time.ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }
      };

  @Test
  void aRevokedKeyWorksForAtMostTheTtlAndUnknownKeysAreNeverRemembered() {
    TestingPostgres.TestDatabase database = TestCatalogs.sharedPostgres().createDatabase();
    CatalogMigrations.apply(database.dataSource(), TestCatalogs.KEY_DIGESTS);
    JdbcApiKeys apiKeys = new JdbcApiKeys(database.dataSource());
    RecentlyVerifiedKeys verified = new RecentlyVerifiedKeys(apiKeys, TTL, clock);

    assertThat(verified.verify("fs_not_issued_yet")).isEmpty();
    IssuedApiKey issued = apiKeys.issue("model server", Role.MODEL_SERVER);
    assertThat(verified.recent(issued.secret())).as("issued, not yet verified").isEmpty();
    assertThat(verified.verify(issued.secret())).contains(issued.apiKey());
    assertThat(verified.recent(issued.secret())).contains(issued.apiKey());

    apiKeys.revoke(issued.apiKey().id());
    now = now.plus(TTL.minusMillis(1));
    assertThat(verified.verify(issued.secret())).as("within the TTL").isPresent();
    now = now.plusMillis(1);
    assertThat(verified.recent(issued.secret())).as("once the TTL passed").isEmpty();
    assertThat(verified.verify(issued.secret())).as("once the TTL passed").isEmpty();

    RecentlyVerifiedKeys uncached = new RecentlyVerifiedKeys(apiKeys, Duration.ZERO, clock);
    IssuedApiKey other = apiKeys.issue("another", Role.MODEL_SERVER);
    assertThat(uncached.verify(other.secret())).isPresent();
    apiKeys.revoke(other.apiKey().id());
    assertThat(uncached.verify(other.secret())).isEmpty();
  }
}
