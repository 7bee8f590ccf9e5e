package dev.featurestore.core.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;

/**
 * A commit or compaction of an archived feature group: an archived group is read-only until it is
 * unarchived.
 */
public final class ArchivedGroupException extends ConflictException {
  private final String featureGroup;

  public ArchivedGroupException(String featureGroup) {
    super(
        "feature group '"
            + requireNonNull(featureGroup, "featureGroup is null")
            + "' is archived and takes no commits; unarchive it first");
    this.featureGroup = featureGroup;
  }

  public String featureGroup() {
    return featureGroup;
  }
}
