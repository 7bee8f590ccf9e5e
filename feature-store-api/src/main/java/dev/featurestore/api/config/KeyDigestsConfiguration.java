package dev.featurestore.api.config;

import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.storage.catalog.KeyedDigestsMigration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.flywaydb.core.api.migration.JavaMigration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The secret of the keyed digests by which the catalog names entity keys ({@link KeyDigests}):
 * {@code feature-store.key-digest-secret}. The embedded default (no {@code spring.datasource.url})
 * makes one up on first start and keeps it in {@code <data dir>/key-digest.secret}, beside the
 * catalog it belongs to; a server on a catalog of its own must be given it, and refuses to start
 * without it: a secret made up per replica or per restart would match no digest stored before, so
 * erased keys would come back.
 */
@Configuration(proxyBeanMethods = false)
class KeyDigestsConfiguration {
  static final String SETTING = "feature-store.key-digest-secret (FEATURE_STORE_KEY_DIGEST_SECRET)";
  static final String FILE_NAME = "key-digest.secret";

  private static final Logger log = LoggerFactory.getLogger(KeyDigestsConfiguration.class);

  @Bean
  KeyDigests keyDigests(FeatureStoreProperties properties, Environment environment) {
    Optional<String> configured = properties.keyDigestSecret().filter(secret -> !secret.isBlank());
    if (configured.isPresent()) {
      if (configured.get().getBytes(StandardCharsets.UTF_8).length
          < KeyDigests.MINIMUM_SECRET_BYTES) {
        throw new InvalidConfigurationException(
            SETTING,
            "The key digest secret must have at least "
                + KeyDigests.MINIMUM_SECRET_BYTES
                + " bytes; use a random token (openssl rand -hex 32)");
      }
      return KeyDigests.ofSecret(configured.get());
    }
    String datasourceUrl = environment.getProperty("spring.datasource.url");
    if (datasourceUrl != null && !datasourceUrl.isBlank()) {
      throw new InvalidConfigurationException(
          SETTING,
          "A server on its own catalog (spring.datasource.url) needs the key digest secret, the"
              + " same on every replica and kept for the catalog's life: erased keys are"
              + " remembered only by digests made with it. Set a random token of at least "
              + KeyDigests.MINIMUM_SECRET_BYTES
              + " bytes (openssl rand -hex 32)");
    }
    return KeyDigests.ofSecret(embeddedSecret(properties.dataDir()));
  }

  /** Spring Boot's Flyway runs it in order with the SQL migrations. */
  @Bean
  JavaMigration keyedDigestsMigration(KeyDigests keyDigests) {
    return new KeyedDigestsMigration(keyDigests);
  }

  /** The embedded default's secret, made up on first start and kept in the data folder. */
  private static String embeddedSecret(Path configuredDataDir) {
    Path file = DataDirectory.prepare(configuredDataDir).resolve(FILE_NAME);
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String generated = HexFormat.of().formatHex(random);
      DataDirectory.writeOwnerOnly(file, generated);
      log.info("First start: made up the key digest secret, kept in {}", file);
      return generated;
    } catch (IOException e) {
      throw new InvalidConfigurationException(SETTING, "Cannot read " + file + ": " + e, e);
    }
  }
}
