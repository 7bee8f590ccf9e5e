package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.UUID;

/**
 * Files rewritten from others, already in the object store. Committing it adds {@code files} and
 * marks {@code replaced} removed in one new commit; readers of earlier versions keep reading the
 * replaced files, so compaction never changes what an older version returns.
 */
public record PendingCompaction(
    String featureGroup,
    int schemaVersion,
    List<UUID> replaced,
    List<NewDataFile> files,
    String principal) {
  public PendingCompaction {
    requireNonNull(featureGroup, "featureGroup is null");
    replaced = List.copyOf(replaced);
    files = List.copyOf(files);
    requireNonNull(principal, "principal is null");
  }

  public long rows() {
    long rows = 0;
    for (NewDataFile file : files) {
      rows += file.rowCount();
    }
    return rows;
  }
}
