package dev.featurestore.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What the catalog records about one immutable data file of a feature group: enough to prune files
 * by key and event time, to answer "as of commit N" without opening files, and to name the exact
 * bytes a training set read.
 *
 * @param sha256 lower-case hex SHA-256 of the file's bytes
 */
public record DataFileStats(
    long rowCount,
    KeyRange keyRange,
    Instant minEventTime,
    Instant maxEventTime,
    long minCommitSequence,
    long maxCommitSequence,
    long byteSize,
    String sha256) {
  private static final Pattern SHA_256_HEX = Pattern.compile("^[0-9a-f]{64}$");

  public DataFileStats {
    if (rowCount < 1) {
      throw new IllegalArgumentException("a data file holds at least one row");
    }
    requireNonNull(keyRange, "keyRange is null");
    requireNonNull(minEventTime, "minEventTime is null");
    requireNonNull(maxEventTime, "maxEventTime is null");
    if (minEventTime.isAfter(maxEventTime)) {
      throw new IllegalArgumentException("minEventTime is after maxEventTime");
    }
    if (minCommitSequence > maxCommitSequence) {
      throw new IllegalArgumentException("minCommitSequence is after maxCommitSequence");
    }
    if (byteSize < 1) {
      throw new IllegalArgumentException("byteSize must be positive");
    }
    requireNonNull(sha256, "sha256 is null");
    if (!SHA_256_HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
    }
  }
}
