package dev.featurestore.core.catalog;

import dev.featurestore.core.InvalidInputException;

/**
 * A version was asked for ({@code asOf}) whose files the retention of replaced files has deleted:
 * files a compaction replaced, or an erasure emptied, are kept only for a while, so versions older
 * than the replacement can be read only until then. Maps to HTTP 410.
 */
public final class ExpiredVersionException extends InvalidInputException {
  public ExpiredVersionException(String groupName, long sequence, long oldestReadableSequence) {
    super(
        "asOf",
        "version "
            + sequence
            + " of feature group '"
            + groupName
            + "' has expired: files it reads were replaced by a compaction longer ago than the"
            + " retention of replaced files (feature-store.retention.replaced-files) and deleted;"
            + " the oldest version still readable is sequence "
            + oldestReadableSequence);
  }
}
