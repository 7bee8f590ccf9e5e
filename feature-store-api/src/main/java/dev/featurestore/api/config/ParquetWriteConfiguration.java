package dev.featurestore.api.config;

import dev.featurestore.storage.parquet.ParquetCompression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the Parquet files the server writes (feature files at commit and compaction, training-set
 * outputs, files rewritten by an erasure) are compressed: {@code feature-store.parquet.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ParquetWriteConfiguration.ParquetWriteProperties.class)
class ParquetWriteConfiguration {
  static final String ZSTD_LEVEL_SETTING =
      "feature-store.parquet.zstd-level (FEATURE_STORE_PARQUET_ZSTD_LEVEL)";

  /**
   * @param zstdLevel the zstd level of every page written: higher compresses more and costs more
   *     CPU
   */
  @ConfigurationProperties("feature-store.parquet")
  record ParquetWriteProperties(
      @DefaultValue("" + ParquetCompression.DEFAULT_ZSTD_LEVEL) int zstdLevel) {}

  @Bean
  ParquetCompression parquetCompression(ParquetWriteProperties properties) {
    try {
      return ParquetCompression.zstd(properties.zstdLevel());
    } catch (IllegalArgumentException outOfRange) {
      throw new InvalidConfigurationException(
          ZSTD_LEVEL_SETTING, "The Parquet " + outOfRange.getMessage(), outOfRange);
    }
  }
}
