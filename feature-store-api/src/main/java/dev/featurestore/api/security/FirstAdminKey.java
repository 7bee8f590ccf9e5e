package dev.featurestore.api.security;

import dev.featurestore.api.config.DataDirectory;
import dev.featurestore.api.config.FeatureStoreProperties;
import dev.featurestore.api.config.InvalidConfigurationException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.security.ApiKeys;
import dev.featurestore.core.security.IssuedApiKey;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Issues the first admin key when the catalog has never had one, so that a new server can be used
 * at all: the configured {@code feature-store.admin-key}, else a random key, which is logged once
 * and written to {@code <data dir>/admin.key} readable by its owner only. Later starts find the
 * admin key (even a revoked one) and issue nothing.
 */
@Component
class FirstAdminKey implements ApplicationRunner {
  static final String FILE_NAME = "admin.key";
  static final String KEY_NAME = "first admin";

  private static final Logger log = LoggerFactory.getLogger(FirstAdminKey.class);
  private static final String SETTING = "feature-store.admin-key (FEATURE_STORE_ADMIN_KEY)";

  /** Secrets are hashed with plain SHA-256, which is only safe for secrets nobody can guess. */
  private static final int MINIMUM_CONFIGURED_LENGTH = 12;

  private final ApiKeys apiKeys;
  private final AuditLog auditLog;
  private final FeatureStoreProperties properties;

  FirstAdminKey(ApiKeys apiKeys, AuditLog auditLog, FeatureStoreProperties properties) {
    this.apiKeys = apiKeys;
    this.auditLog = auditLog;
    this.properties = properties;
  }

  @Override
  public void run(ApplicationArguments arguments) {
    Optional<String> configured = properties.adminKey().filter(key -> !key.isBlank());
    if (configured.isPresent() && configured.get().length() < MINIMUM_CONFIGURED_LENGTH) {
      throw new InvalidConfigurationException(
          SETTING,
          "The admin key must be at least "
              + MINIMUM_CONFIGURED_LENGTH
              + " characters long; use a random token");
    }
    if (configured.isPresent() && !AuthorizationHeader.isToken68(configured.get())) {
      throw new InvalidConfigurationException(
          SETTING,
          "The admin key must be one token of letters, digits and -._~+/ (then '=' only at the"
              + " end), as an Authorization header carries it; use a random base64 token");
    }
    Optional<IssuedApiKey> issued = apiKeys.issueFirstAdminKey(KEY_NAME, configured);
    if (issued.isEmpty()) {
      return;
    }
    IssuedApiKey key = issued.get();
    auditLog.record(
        AuditEvent.of(
                "server",
                Optional.empty(),
                AuditAction.CREATE,
                AuditTargetType.API_KEY,
                key.apiKey().id().toString())
            .withDetail("name", key.apiKey().name())
            .withDetail("role", key.apiKey().role().name())
            .withDetail("configured", configured.isPresent()));
    if (configured.isPresent()) {
      log.info("First start: the admin API key is the one set in {}", SETTING);
      return;
    }
    Path file = DataDirectory.prepare(properties.dataDir()).resolve(FILE_NAME);
    DataDirectory.writeOwnerOnly(file, key.secret());
    log.warn(
        "First start: created the admin API key {} (also written to {}). It is shown only now;"
            + " use it to issue other keys, then keep it safe or revoke it.",
        key.secret(),
        file);
  }
}
