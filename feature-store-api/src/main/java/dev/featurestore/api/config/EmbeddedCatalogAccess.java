package dev.featurestore.api.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to the embedded PostgreSQL: whoever knows the password generated at the first
 * start and kept in {@code <data dir>/postgres.password}, readable by its owner only, beside {@code
 * admin.key}. The binaries initialise a folder that trusts every local connection as the superuser
 * (any local process could have issued itself an admin key); this switches such a folder, new or
 * made by an earlier version, to passwords.
 */
final class EmbeddedCatalogAccess {
  static final String PASSWORD_FILE = "postgres.password";
  static final String USER = "postgres";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedCatalogAccess.class);
  private static final String SETTING = "feature-store.data-dir (FEATURE_STORE_DATA_DIR)";
  private static final String HBA_FILE = "pg_hba.conf";

  /** Every connection, by socket or TCP, as any user, needs the password. */
  private static final String PASSWORD_ONLY_HBA =
      """
      # Written by the feature store: every connection needs the password in postgres.password.
      local all all scram-sha-256
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      local replication all scram-sha-256
      host replication all 127.0.0.1/32 scram-sha-256
      host replication all ::1/128 scram-sha-256
      """;

  private EmbeddedCatalogAccess() {}

  /**
   * The password, generated on the first start. A folder that already requires passwords but whose
   * password file is gone cannot be opened: that is refused with what to do.
   */
  static String password(Path dataDir, Path postgresFolder) {
    Path file = dataDir.resolve(PASSWORD_FILE);
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      if (requiresPassword(postgresFolder)) {
        throw new InvalidConfigurationException(
            SETTING,
            "The embedded PostgreSQL in "
                + postgresFolder
                + " requires a password, but "
                + file
                + " is missing; restore it from a backup of the data folder");
      }
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String generated = HexFormat.of().formatHex(random);
      DataDirectory.writeOwnerOnly(file, generated);
      return generated;
    } catch (IOException e) {
      throw new InvalidConfigurationException(SETTING, "Cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Sets the password and makes PostgreSQL require it, if the folder still trusts local connections
   * (which also lets this connect without the password).
   */
  static void requirePassword(DataSource superuser, Path postgresFolder, String password) {
    if (requiresPassword(postgresFolder)) {
      return;
    }
    // The password is hex digits, so it can be written into the statement as it is.
    try (Connection connection = superuser.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SET password_encryption = 'scram-sha-256'");
      statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      writeHba(postgresFolder);
      statement.execute("SELECT pg_reload_conf()");
    } catch (SQLException | IOException e) {
      throw new InvalidConfigurationException(
          SETTING,
          "Cannot make the embedded PostgreSQL in " + postgresFolder + " require a password: " + e,
          e);
    }
    log.info("The embedded PostgreSQL in {} now requires the password", postgresFolder);
  }

  private static boolean requiresPassword(Path postgresFolder) {
    try {
      return Files.readString(postgresFolder.resolve(HBA_FILE)).equals(PASSWORD_ONLY_HBA);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          SETTING, "Cannot read " + postgresFolder.resolve(HBA_FILE) + ": " + e, e);
    }
  }

  private static void writeHba(Path postgresFolder) throws IOException {
    Path temporary = postgresFolder.resolve(HBA_FILE + ".new");
    Files.writeString(temporary, PASSWORD_ONLY_HBA);
    Files.move(
        temporary,
        postgresFolder.resolve(HBA_FILE),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
