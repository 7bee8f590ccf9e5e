package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A group's most recent rows by event time as of a version, newest first (ties: the later written
 * first). Each row maps its columns (key, {@code event_time}, then the features) to Java values:
 * String, Long, Integer, Boolean, Float, Double, {@link java.time.Instant}, byte[], or a list of
 * floats for a vector; null where the row has none.
 */
public record RowPreview(String group, long sequence, List<Map<String, Object>> rows) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 1_000;

  public RowPreview {
    requireNonNull(group, "group is null");
    rows = List.copyOf(rows);
  }
}
