package dev.featurestore.api.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.api.FeatureStoreApplication;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.config.InvalidConfigurationException;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.Role;
import dev.featurestore.testing.TestingPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A new server issues its first admin key once, and never again on later starts. */
class FirstAdminKeyIT {
  @TempDir Path dataDir;
  private TestingPostgres.TestDatabase database;

  @BeforeEach
  void freshCatalog() {
    database = TestCatalogs.sharedPostgres().createDatabase();
  }

  @Test
  void randomKeyIsWrittenOnceForItsOwnerOnly() throws Exception {
    Path keyFile = dataDir.resolve("admin.key");
    String secret;
    try (ConfigurableApplicationContext server = start()) {
      secret = Files.readString(keyFile).strip();
      assertThat(server.getBean(ApiKeys.class).verify(secret))
          .map(ApiKey::role)
          .contains(Role.ADMIN);
    }
    assertThat(secret).startsWith("fs_");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
        .isEqualTo("rw-------");

    try (ConfigurableApplicationContext server = start()) {
      assertThat(Files.readString(keyFile).strip()).isEqualTo(secret);
      assertThat(server.getBean(ApiKeys.class).list()).hasSize(1);
      assertThat(server.getBean(ApiKeys.class).verify(secret)).isPresent();
    }
  }

  @Test
  void configuredKeyIsUsedAndNotWrittenToDisk() throws Exception {
    try (ConfigurableApplicationContext server =
        start("--feature-store.admin-key=configured-admin-key")) {
      assertThat(server.getBean(ApiKeys.class).verify("configured-admin-key")).isPresent();
    }
    assertThat(dataDir.resolve("admin.key")).doesNotExist();
  }

  @Test
  void laterStartsIgnoreANewlyConfiguredKey() throws Exception {
    try (ConfigurableApplicationContext server = start()) {
      assertThat(server.getBean(ApiKeys.class).list()).hasSize(1);
    }
    try (ConfigurableApplicationContext server =
        start("--feature-store.admin-key=configured-admin-key")) {
      assertThat(server.getBean(ApiKeys.class).verify("configured-admin-key")).isEmpty();
    }
  }

  @Test
  void shortConfiguredKeyStopsTheStart() {
    assertConfiguredKeyStopsTheStart("short", "at least 12 characters");
  }

  /** A key that no Authorization header can carry would lock the administrator out. */
  @Test
  void configuredKeyThatNoHeaderCanCarryStopsTheStart() {
    assertConfiguredKeyStopsTheStart("admin key with spaces", "one token");
  }

  private void assertConfiguredKeyStopsTheStart(String key, String reason) {
    assertThatThrownBy(() -> start("--feature-store.admin-key=" + key))
        .isInstanceOfSatisfying(
            InvalidConfigurationException.class,
            invalid -> {
              assertThat(invalid.setting()).contains("FEATURE_STORE_ADMIN_KEY");
              assertThat(invalid.getMessage()).contains(reason);
            });
  }

  private ConfigurableApplicationContext start(String... more) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                "--feature-store.data-dir=" + dataDir,
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password()));
    arguments.addAll(List.of(more));
    return new SpringApplicationBuilder(FeatureStoreApplication.class)
        .run(arguments.toArray(String[]::new));
  }
}
