package dev.featurestore.api.config;

import java.sql.SQLException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a start failure caused by a bad setting into one clear message that names the setting. */
class InvalidConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<InvalidConfigurationException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
    return new FailureAnalysis(
        cause.getMessage(), "Fix the setting " + cause.setting() + " and start again.", cause);
  }

  /** Database connection failures surface from Flyway or the pool; name the datasource setting. */
  static class DatabaseUnreachable extends AbstractFailureAnalyzer<SQLException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SQLException cause) {
      String state = cause.getSQLState();
      if (state == null || !(state.startsWith("08") || state.startsWith("28"))) {
        return null;
      }
      return new FailureAnalysis(
          "Cannot connect to the catalog database: " + cause.getMessage(),
          "Check spring.datasource.url (SPRING_DATASOURCE_URL), SPRING_DATASOURCE_USERNAME and"
              + " SPRING_DATASOURCE_PASSWORD, or unset SPRING_DATASOURCE_URL to use the embedded"
              + " database.",
          cause);
    }
  }
}
