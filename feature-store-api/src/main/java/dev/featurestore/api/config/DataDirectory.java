package dev.featurestore.api.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data folder, checked once so that a bad one fails the start with a clear message. It
 * and the folders the server makes in it are readable by the server's user only: they hold the
 * catalog's files, every stored row and the admin key.
 */
public final class DataDirectory {
  private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
  private static final String SETTING = "feature-store.data-dir (FEATURE_STORE_DATA_DIR)";
  private static final String TEMPORARY_FOLDER = "tmp";
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DataDirectory() {}

  /** A folder inside the data folder, created if needed, for the owner only. */
  static Path prepareFolder(Path dataDir, String name) {
    Path folder = prepare(dataDir).resolve(name);
    try {
      return restrictToOwner(Files.createDirectories(folder));
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          SETTING, "Cannot create " + folder + " in the data folder: " + e, e);
    }
  }

  /** The temporary folder, emptied of what a process that died left in it. */
  static TemporaryFolder prepareEmptyTemporaryFolder(Path dataDir) {
    Path folder = prepareFolder(dataDir, TEMPORARY_FOLDER);
    try (Stream<Path> leftovers = Files.list(folder)) {
      int deleted = 0;
      for (Path leftover : (Iterable<Path>) leftovers::iterator) {
        TemporaryFolder.delete(leftover);
        deleted++;
      }
      if (deleted > 0) {
        log.info("Deleted {} files and folders left in {} by an earlier process", deleted, folder);
      }
      return new TemporaryFolder(folder);
    } catch (IOException | UncheckedIOException e) {
      throw new InvalidConfigurationException(
          SETTING, "Cannot empty the temporary folder " + folder + ": " + e, e);
    }
  }

  /** Creates the folder if needed and proves it writable; returns its absolute path. */
  public static Path prepare(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(absolute);
      Path probe = Files.createTempFile(absolute, ".write-check", ".tmp");
      Files.delete(probe);
      return restrictToOwner(absolute);
    } catch (IOException | SecurityException e) {
      throw new InvalidConfigurationException(
          SETTING, "The data folder " + absolute + " is not writable: " + e, e);
    }
  }

  /**
   * Writes a secret to a file only its owner may read (rw-------), replacing it atomically, so that
   * a crash leaves the old secret or the new one.
   */
  public static void writeOwnerOnly(Path file, String secret) {
    try {
      Path temporary =
          POSIX
              ? Files.createTempFile(
                  file.getParent(),
                  file.getFileName().toString(),
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
      Files.writeString(temporary, secret + "\n", StandardCharsets.US_ASCII);
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Makes the folder rwx------ where the file system has POSIX permissions. A folder this user may
   * write but not change (a volume owned by another user) is used as it is, with a warning.
   */
  private static Path restrictToOwner(Path folder) {
    if (!POSIX) {
      return folder;
    }
    try {
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      log.warn("Cannot make {} private to its owner; other users may read it: {}", folder, e);
    }
    return folder;
  }
}
