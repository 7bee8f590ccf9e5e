package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.FeatureType;
import java.util.Optional;

/**
 * What one feature's values over some rows (a file's, or a version's) look like: how many are null,
 * the least and greatest non-null value of an orderable type, and a sketch of how many distinct
 * non-null values there are. Statistics of disjoint rows merge exactly (the distinct count stays an
 * estimate).
 *
 * @param min the least value in {@link #canonicalText canonical text}; empty when every value is
 *     null or NaN, or the type has no order (BYTES, FLOAT32_VECTOR)
 * @param max the greatest value, as {@code min}
 */
public record FeatureStatistics(
    long nullCount, Optional<String> min, Optional<String> max, DistinctCountSketch distinct) {
  /** Strings are kept to this many characters: a cut is monotone, so cut values merge exactly. */
  public static final int MAX_STRING_LENGTH = 64;

  public FeatureStatistics {
    if (nullCount < 0) {
      throw new IllegalArgumentException("nullCount must not be negative");
    }
    requireNonNull(min, "min is null");
    requireNonNull(max, "max is null");
    requireNonNull(distinct, "distinct is null");
  }

  /** {@code rows} rows that all lack the feature (written before the feature was added). */
  public static FeatureStatistics allNull(long rows) {
    return new FeatureStatistics(
        rows, Optional.empty(), Optional.empty(), DistinctCountSketch.empty());
  }

  /** The statistics of these rows and {@code other}'s together, values ordered as {@code type}. */
  public FeatureStatistics merge(FeatureType type, FeatureStatistics other) {
    return new FeatureStatistics(
        nullCount + other.nullCount,
        least(type, min, other.min),
        greatest(type, max, other.max),
        distinct.merge(other.distinct));
  }

  public long distinctEstimate() {
    return distinct.estimate();
  }

  /**
   * How values of an orderable type are written: {@code true}/{@code false}; integers and
   * TIMESTAMP's epoch microseconds in decimal; floats by {@link Double#toString}; strings cut at a
   * U+0000 (which Postgres text cannot hold) and to {@link #MAX_STRING_LENGTH} code points.
   */
  public static String canonicalText(String value) {
    int nul = value.indexOf('\u0000');
    String cut = nul < 0 ? value : value.substring(0, nul);
    if (cut.codePointCount(0, cut.length()) <= MAX_STRING_LENGTH) {
      return cut;
    }
    return cut.substring(0, cut.offsetByCodePoints(0, MAX_STRING_LENGTH));
  }

  /** Compares two canonical texts of {@code type} as the values they stand for. */
  static int compare(FeatureType type, String left, String right) {
    return switch (type) {
      case BOOL -> Boolean.compare(Boolean.parseBoolean(left), Boolean.parseBoolean(right));
      case INT32, INT64, TIMESTAMP -> Long.compare(Long.parseLong(left), Long.parseLong(right));
      case FLOAT32, FLOAT64 -> Double.compare(Double.parseDouble(left), Double.parseDouble(right));
      case STRING -> compareCodePoints(left, right);
      case BYTES, FLOAT32_VECTOR ->
          throw new IllegalArgumentException(type + " values have no order");
    };
  }

  /** Unicode code point order, which is UTF-8 byte order (String's own order is UTF-16's). */
  private static int compareCodePoints(String left, String right) {
    int i = 0;
    int j = 0;
    while (i < left.length() && j < right.length()) {
      int a = left.codePointAt(i);
      int b = right.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Boolean.compare(i < left.length(), j < right.length());
  }

  private static Optional<String> least(FeatureType type, Optional<String> a, Optional<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() ? b : a;
    }
    return compare(type, a.get(), b.get()) <= 0 ? a : b;
  }

  private static Optional<String> greatest(
      FeatureType type, Optional<String> a, Optional<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return a.isEmpty() ? b : a;
    }
    return compare(type, a.get(), b.get()) >= 0 ? a : b;
  }
}
