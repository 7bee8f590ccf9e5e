package dev.featurestore.api.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's data folder, checked once so that a bad one fails the start with a clear message.
 */
public final class DataDirectory {
  private static final String SETTING = "feature-store.data-dir (FEATURE_STORE_DATA_DIR)";

  private DataDirectory() {}

  /** A folder inside the data folder, created if needed. */
  static Path prepareFolder(Path dataDir, String name) {
    Path folder = prepare(dataDir).resolve(name);
    try {
      return Files.createDirectories(folder);
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          SETTING, "Cannot create " + folder + " in the data folder: " + e, e);
    }
  }

  /** Creates the folder if needed and proves it writable; returns its absolute path. */
  public static Path prepare(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      Path probe = Files.createTempFile(absolute, ".write-check", ".tmp");
      Files.delete(probe);
      return absolute;
    } catch (IOException | SecurityException e) {
      throw new InvalidConfigurationException(
          SETTING, "The data folder " + absolute + " is not writable: " + e, e);
    }
  }
}
