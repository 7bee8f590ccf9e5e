package dev.featurestore.testing;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One stored row of a feature group as the reference join sees it. {@code key} is a {@link String}
 * or a {@link Long}; {@code values} may hold nulls (a null feature value is still a value).
 */
public record ReferenceFeatureRow(
    Object key, long eventTimeMicros, long commitSequence, long rowOrdinal, List<Object> values) {
  public ReferenceFeatureRow {
    requireNonNull(key, "key is null");
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** Short and with array contents, for the counterexamples property tests report. */
  @Override
  public String toString() {
    List<String> shown = new ArrayList<>(values.size());
    for (Object value : values) {
      shown.add(
          switch (value) {
            case byte[] bytes -> Arrays.toString(bytes);
            case float[] floats -> Arrays.toString(floats);
            case null -> "null";
            default -> value.toString();
          });
    }
    return key + "@" + eventTimeMicros + " #" + commitSequence + "/" + rowOrdinal + " " + shown;
  }
}
