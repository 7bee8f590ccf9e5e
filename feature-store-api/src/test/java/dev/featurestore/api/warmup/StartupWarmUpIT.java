package dev.featurestore.api.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.TestCatalogs;
import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.parquet.ParquetCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The start-up warm-up runs the commit and training-set code before readiness turns UP, on a server
 * whose objects are in S3, and leaves neither a catalog row nor an object behind; it can be turned
 * off, and no round starts after its time limit.
 */
@SpringBootTest(
    properties = {"feature-store.warm-up.enabled=true", "feature-store.warm-up.rounds=1"})
class StartupWarmUpIT {
  @DynamicPropertySource
  static void realDatabaseAndBucket(DynamicPropertyRegistry registry) throws IOException {
    TestCatalogs.useFreshCatalogOnS3(registry, Files.createTempDirectory("startup-warm-up-it"));
  }

  /** The warm-up's rounds at the moment readiness turned to ACCEPTING_TRAFFIC. */
  @TestConfiguration
  static class ReadinessWatch {
    static final Map<ReadinessState, Integer> roundsWhen = new ConcurrentHashMap<>();

    @Bean
    ApplicationListener<AvailabilityChangeEvent<ReadinessState>> roundsAtReadiness(
        ApplicationContext context) {
      return event ->
          roundsWhen.put(event.getState(), context.getBean(StartupWarmUp.class).roundsRun());
    }
  }

  @Autowired StartupWarmUp warmUp;
  @Autowired ObjectStore objectStore;
  @Autowired JdbcTemplate jdbc;
  @Autowired TemporaryFolder temporaryFolder;
  @Autowired Catalog catalog;
  @Autowired Tombstones tombstones;
  @Autowired KeyDigests keyDigests;
  @Autowired BufferAllocator allocator;
  @Autowired SharedThreads threads;
  @Autowired PointInTimeJoinEngine joinEngine;

  @Test
  void runsBeforeTheServerIsReady() {
    assertThat(warmUp.roundsRun()).isEqualTo(1);
    assertThat(ReadinessWatch.roundsWhen).containsEntry(ReadinessState.ACCEPTING_TRAFFIC, 1);
  }

  @Test
  void leavesNoObjectNoCatalogRowAndNoScratchFiles() throws IOException {
    assertThat(objectStore.list("")).isEmpty();
    for (String table :
        List.of(
            "entities",
            "feature_groups",
            "commits",
            "data_files",
            "data_file_statistics",
            "uploads",
            "training_sets",
            "entity_keys",
            "jobs",
            "search_documents")) {
      assertThat(jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class))
          .as(table)
          .isZero();
    }
    assertThat(scratchFolders()).isEmpty();
  }

  @Test
  void turnedOffItRunsNothing() throws IOException {
    StartupWarmUp off = warmUp(new WarmUpProperties(false, 3, Duration.ofMinutes(1)));
    off.run(null);
    assertThat(off.roundsRun()).isZero();
    assertThat(scratchFolders()).isEmpty();
  }

  @Test
  void noRoundStartsAfterTheTimeLimit() throws IOException {
    StartupWarmUp limited = warmUp(new WarmUpProperties(true, 3, Duration.ZERO));
    limited.run(null);
    assertThat(limited.roundsRun()).isZero();
    assertThat(scratchFolders()).isEmpty();
  }

  private StartupWarmUp warmUp(WarmUpProperties properties) {
    return new StartupWarmUp(
        properties,
        catalog,
        tombstones,
        keyDigests,
        allocator,
        threads,
        temporaryFolder,
        joinEngine,
        ParquetCompression.DEFAULT);
  }

  private List<Path> scratchFolders() throws IOException {
    try (Stream<Path> files = Files.list(temporaryFolder.path())) {
      return files.filter(file -> file.getFileName().toString().startsWith("warm-up-")).toList();
    }
  }
}
