package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.api.config.InvalidConfigurationException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.SpringFactoriesLoader;

/** The embedded default keeps its data across restarts, and bad settings stop the start clearly. */
class StartupIT {
  @TempDir Path dataDir;

  @Test
  void embeddedDefaultKeepsCatalogAndObjectsAcrossRestarts() throws Exception {
    try (ConfigurableApplicationContext server = start("--feature-store.data-dir=" + dataDir)) {
      server.getBean(Catalog.class).createEntity(new Entity("user_id", KeyType.STRING, "kept"));
      server.getBean(ObjectStore.class).put("kept/object", new byte[] {1, 2, 3});
    }
    try (ConfigurableApplicationContext server = start("--feature-store.data-dir=" + dataDir)) {
      assertThat(server.getBean(Catalog.class).entity("user_id")).isPresent();
      assertThat(server.getBean(ObjectStore.class).size("kept/object")).isEqualTo(3);
    }
    assertThat(dataDir.resolve("postgres")).isDirectory();
    assertThat(dataDir.resolve("objects")).isDirectory();
  }

  @Test
  void dataFolderBelowAFileNamesTheSetting() throws Exception {
    Path file = Files.writeString(dataDir.resolve("a-file"), "not a folder");
    assertStartFailsNaming(
        "FEATURE_STORE_DATA_DIR", "--feature-store.data-dir=" + file.resolve("data"));
  }

  @Test
  void unreachableDatabaseNamesTheSetting() {
    assertThatThrownBy(
            () ->
                start(
                    "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none",
                    "--spring.datasource.hikari.initialization-fail-timeout=1000",
                    "--spring.datasource.hikari.connection-timeout=1000",
                    "--feature-store.data-dir=" + dataDir))
        .satisfies(failure -> assertThat(analyses(failure)).contains("SPRING_DATASOURCE_URL"));
  }

  @Test
  void unusableS3EndpointNamesTheSetting() {
    assertStartFailsNaming(
        "FEATURE_STORE_S3_ENDPOINT",
        "--feature-store.data-dir=" + dataDir,
        "--feature-store.s3.endpoint=http://127.0.0.1:1",
        "--feature-store.s3.bucket=missing",
        "--feature-store.s3.access-key=key",
        "--feature-store.s3.secret-key=secret");
  }

  private void assertStartFailsNaming(String variable, String... arguments) {
    assertThatThrownBy(() -> start(arguments))
        .hasRootCauseInstanceOf(Exception.class)
        .satisfies(
            failure -> {
              InvalidConfigurationException cause = findCause(failure);
              assertThat(cause.setting()).contains(variable);
            });
  }

  /** What the registered failure analyzers tell the operator about a failed start. */
  private static String analyses(Throwable failure) {
    StringBuilder text = new StringBuilder();
    // Boot's own analyzers need a running context to be built; ours do not, and are the ones under
    // test.
    SpringFactoriesLoader.FailureHandler skipAnalyzersNeedingAContext = (type, name, cause) -> {};
    for (FailureAnalyzer analyzer :
        SpringFactoriesLoader.forDefaultResourceLocation(StartupIT.class.getClassLoader())
            .load(FailureAnalyzer.class, skipAnalyzersNeedingAContext)) {
      FailureAnalysis analysis = analyzer.analyze(failure);
      if (analysis != null) {
        text.append(analysis.getDescription()).append(' ').append(analysis.getAction());
      }
    }
    return text.toString();
  }

  private static InvalidConfigurationException findCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidConfigurationException invalid) {
        return invalid;
      }
    }
    throw new AssertionError("no InvalidConfigurationException in " + failure);
  }

  private static ConfigurableApplicationContext start(String... arguments) {
    String[] withRandomPort = new String[arguments.length + 2];
    System.arraycopy(arguments, 0, withRandomPort, 0, arguments.length);
    withRandomPort[arguments.length] = "--server.port=0";
    withRandomPort[arguments.length + 1] = "--feature-store.online-port=0";
    return new SpringApplicationBuilder(FeatureStoreApplication.class).run(withRandomPort);
  }
}
