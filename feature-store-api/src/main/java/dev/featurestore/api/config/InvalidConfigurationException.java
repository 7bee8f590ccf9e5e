package dev.featurestore.api.config;

/**
 * A setting has a value the server cannot start with; the message names the setting and its
 * variable.
 */
public class InvalidConfigurationException extends RuntimeException {
  private final String setting;

  public InvalidConfigurationException(String setting, String message, Throwable cause) {
    super(message, cause);
    this.setting = setting;
  }

  public InvalidConfigurationException(String setting, String message) {
    this(setting, message, null);
  }

  public String setting() {
    return setting;
  }
}
