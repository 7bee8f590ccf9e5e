package dev.featurestore.core.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.FeatureType;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fixed-width columns' pass, read by address, sees the values Arrow's getters return. */
class ColumnStatisticsTest {
  /** Closing fails the test when a vector leaked. */
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void integersWithAndWithoutNulls() {
    try (IntVector ints = new IntVector("count", allocator);
        BigIntVector longs = new BigIntVector("total", allocator);
        TimeStampMicroTZVector times = new TimeStampMicroTZVector("seen_at", allocator, "UTC")) {
      Long[] values = {3L, null, -7L, 3L, 12L};
      ints.allocateNew(values.length);
      longs.allocateNew(values.length);
      times.allocateNew(values.length);
      for (int row = 0; row < values.length; row++) {
        if (values[row] != null) {
          ints.set(row, values[row].intValue());
          longs.set(row, values[row] * 1_000_000_007L);
          times.set(row, values[row] * 1_000_000L);
        }
      }
      ints.setValueCount(values.length);
      longs.setValueCount(values.length);
      times.setValueCount(values.length);

      assertThat(ColumnStatistics.of(FeatureType.INT32, ints))
          .isEqualTo(expected(1, "-7", "12", 3, -7, 12));
      assertThat(ColumnStatistics.of(FeatureType.INT64, longs))
          .isEqualTo(
              expected(
                  1,
                  "-7000000049",
                  "12000000084",
                  3 * 1_000_000_007L,
                  -7 * 1_000_000_007L,
                  12 * 1_000_000_007L));
      assertThat(ColumnStatistics.of(FeatureType.TIMESTAMP, times))
          .isEqualTo(expected(1, "-7000000", "12000000", 3_000_000, -7_000_000, 12_000_000));

      ints.setValueCount(1); // no null left
      assertThat(ColumnStatistics.of(FeatureType.INT32, ints)).isEqualTo(expected(0, "3", "3", 3));
    }
  }

  @Test
  void floatsWithAndWithoutNulls() {
    try (Float4Vector floats = new Float4Vector("ratio", allocator);
        Float8Vector doubles = new Float8Vector("score", allocator)) {
      floats.allocateNew(4);
      doubles.allocateNew(4);
      floats.set(0, 0.25f);
      floats.set(1, -1.5f);
      floats.set(3, Float.NaN);
      doubles.set(0, 0.1);
      doubles.set(1, -2.5);
      doubles.set(3, Double.NaN);
      floats.setValueCount(4);
      doubles.setValueCount(4);

      DistinctCountSketch floatValues = sketchOf(0.25f, -1.5f, Float.NaN);
      assertThat(ColumnStatistics.of(FeatureType.FLOAT32, floats))
          .isEqualTo(
              new FeatureStatistics(1, Optional.of("-1.5"), Optional.of("0.25"), floatValues));
      assertThat(ColumnStatistics.of(FeatureType.FLOAT64, doubles))
          .isEqualTo(
              new FeatureStatistics(
                  1, Optional.of("-2.5"), Optional.of("0.1"), sketchOf(0.1, -2.5, Double.NaN)));

      doubles.setValueCount(2); // no null left
      assertThat(ColumnStatistics.of(FeatureType.FLOAT64, doubles))
          .isEqualTo(
              new FeatureStatistics(
                  0, Optional.of("-2.5"), Optional.of("0.1"), sketchOf(0.1, -2.5)));
    }
  }

  private static FeatureStatistics expected(long nulls, String min, String max, long... values) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    for (long value : values) {
      distinct.add(ValueHashing.ofLong(value));
    }
    return new FeatureStatistics(nulls, Optional.of(min), Optional.of(max), distinct);
  }

  private static DistinctCountSketch sketchOf(double... values) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    for (double value : values) {
      distinct.add(ValueHashing.ofDouble(value));
    }
    return distinct;
  }
}
