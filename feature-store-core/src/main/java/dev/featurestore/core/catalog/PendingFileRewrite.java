package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;

/**
 * An erasure's rewrite of one data file, already in the object store. Committing it points the
 * file's row at {@code rewrite} in place: the file keeps its id and the versions that see it, so
 * every version reads what it read before minus the erased rows. With no rewrite (no row was left)
 * the file becomes visible to no version at all.
 */
public record PendingFileRewrite(
    String featureGroup,
    UUID fileId,
    String replacedObjectKey,
    Optional<NewDataFile> rewrite,
    int schemaVersion) {
  public PendingFileRewrite {
    requireNonNull(featureGroup, "featureGroup is null");
    requireNonNull(fileId, "fileId is null");
    requireNonNull(replacedObjectKey, "replacedObjectKey is null");
    requireNonNull(rewrite, "rewrite is null");
  }
}
