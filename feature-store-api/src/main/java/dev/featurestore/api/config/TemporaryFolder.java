package dev.featurestore.api.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * {@code <data dir>/tmp}: spooled uploads, spills and outputs being written. It belongs to this
 * process alone (each replica has its own data folder), so whatever is in it at start was left by a
 * process that died, and is deleted.
 */
public record TemporaryFolder(Path path) {
  public TemporaryFolder {
    requireNonNull(path, "path is null");
  }
}
