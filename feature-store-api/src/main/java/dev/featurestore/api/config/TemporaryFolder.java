package dev.featurestore.api.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * {@code <data dir>/tmp}: spooled uploads, spills and outputs being written. It belongs to this
 * process alone (each replica has its own data folder), so whatever is in it at start was left by a
 * process that died, and is deleted.
 */
public record TemporaryFolder(Path path) {
  public TemporaryFolder {
    requireNonNull(path, "path is null");
  }

  /** Deletes {@code entry}, a file or folder, with everything in it; links are not followed. */
  public static void delete(Path entry) throws IOException {
    if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> children = Files.list(entry)) {
        for (Path child : (Iterable<Path>) children::iterator) {
          delete(child);
        }
      }
    }
    Files.deleteIfExists(entry);
  }
}
