package dev.featurestore.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.storage.parquet.ParquetCompression;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The zstd level setting reaches the files' compression, and a level zstd does not have stops the
 * start naming the setting; in a context of this configuration alone, which takes milliseconds
 * where a server's start takes seconds (StartupIT starts whole servers for the other settings).
 */
class ParquetWriteConfigurationTest {
  private final ApplicationContextRunner contexts =
      new ApplicationContextRunner().withUserConfiguration(ParquetWriteConfiguration.class);

  @Test
  void theLevelSetReachesTheCompression() {
    contexts
        .withPropertyValues("feature-store.parquet.zstd-level=7")
        .run(
            context ->
                assertThat(context.getBean(ParquetCompression.class))
                    .isEqualTo(ParquetCompression.zstd(7)));
  }

  @Test
  void aLevelZstdDoesNotHaveNamesTheSetting() {
    contexts
        .withPropertyValues("feature-store.parquet.zstd-level=99")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(invalidConfiguration(context.getStartupFailure()).setting())
                  .contains("FEATURE_STORE_PARQUET_ZSTD_LEVEL");
            });
  }

  private static InvalidConfigurationException invalidConfiguration(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof InvalidConfigurationException invalid) {
        return invalid;
      }
    }
    throw new AssertionError("no InvalidConfigurationException in " + failure);
  }
}
