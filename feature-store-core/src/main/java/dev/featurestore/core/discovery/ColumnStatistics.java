package dev.featurestore.core.discovery;

import dev.featurestore.core.model.FeatureType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * One indexed pass over a feature column, per type: no boxing and no object per value; strings and
 * bytes are hashed and compared in the Arrow buffer, and only the least and greatest become
 * strings.
 */
final class ColumnStatistics {
  private ColumnStatistics() {}

  static FeatureStatistics of(FeatureType type, FieldVector column) {
    // Fixed-width values are read by address, row < the value count: Arrow's getters would check
    // bounds and nulls again on every call, a third of this pass on millions of rows.
    return switch (type) {
      case BOOL -> ofBooleans((BitVector) column);
      case INT32 -> {
        long data = column.getDataBufferAddress();
        yield ofLongs(column, row -> MemoryUtil.getInt(data + ((long) row << 2)));
      }
      case INT64, TIMESTAMP -> {
        long data = column.getDataBufferAddress();
        yield ofLongs(column, row -> MemoryUtil.getLong(data + ((long) row << 3)));
      }
      case FLOAT32 -> {
        long data = column.getDataBufferAddress();
        yield ofDoubles(
            column,
            row -> Float.intBitsToFloat(MemoryUtil.getInt(data + ((long) row << 2))),
            value -> Float.toString((float) value));
      }
      case FLOAT64 -> {
        long data = column.getDataBufferAddress();
        yield ofDoubles(
            column,
            row -> Double.longBitsToDouble(MemoryUtil.getLong(data + ((long) row << 3))),
            Double::toString);
      }
      case STRING -> ofBytes((BaseVariableWidthVector) column, Order.ORDERED);
      case BYTES -> ofBytes((BaseVariableWidthVector) column, Order.UNORDERED);
      case FLOAT32_VECTOR -> ofFloatVectors((FixedSizeListVector) column);
    };
  }

  private enum Order {
    ORDERED,
    UNORDERED
  }

  private static FeatureStatistics ofBooleans(BitVector column) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    boolean anyFalse = false;
    boolean anyTrue = false;
    for (int row = 0; row < column.getValueCount(); row++) {
      if (!column.isNull(row)) {
        if (column.get(row) == 0) {
          anyFalse = true;
        } else {
          anyTrue = true;
        }
      }
    }
    if (anyFalse) {
      distinct.add(ValueHashing.ofLong(0));
    }
    if (anyTrue) {
      distinct.add(ValueHashing.ofLong(1));
    }
    return new FeatureStatistics(
        column.getNullCount(),
        anyFalse ? Optional.of("false") : anyTrue ? Optional.of("true") : Optional.empty(),
        anyTrue ? Optional.of("true") : anyFalse ? Optional.of("false") : Optional.empty(),
        distinct);
  }

  /** A column's value at a row, widened without boxing. */
  private interface LongValues {
    long at(int row);
  }

  private interface DoubleValues {
    double at(int row);
  }

  private interface DoubleText {
    String of(double value);
  }

  private static FeatureStatistics ofLongs(FieldVector column, LongValues values) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    boolean mayHaveNulls = column.getNullCount() > 0;
    int rows = column.getValueCount();
    for (int row = 0; row < rows; row++) {
      if (!mayHaveNulls || !column.isNull(row)) {
        long value = values.at(row);
        min = Math.min(min, value);
        max = Math.max(max, value);
        distinct.add(ValueHashing.ofLong(value));
      }
    }
    boolean anyValue = column.getNullCount() < column.getValueCount();
    return new FeatureStatistics(
        column.getNullCount(),
        anyValue ? Optional.of(Long.toString(min)) : Optional.empty(),
        anyValue ? Optional.of(Long.toString(max)) : Optional.empty(),
        distinct);
  }

  /** NaN counts as a distinct value but has no place in the order, so it is never min or max. */
  private static FeatureStatistics ofDoubles(
      FieldVector column, DoubleValues values, DoubleText text) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean anyOrdered = false;
    boolean mayHaveNulls = column.getNullCount() > 0;
    int rows = column.getValueCount();
    for (int row = 0; row < rows; row++) {
      if (!mayHaveNulls || !column.isNull(row)) {
        double value = values.at(row);
        distinct.add(ValueHashing.ofDouble(value));
        if (!Double.isNaN(value)) {
          anyOrdered = true;
          min = Math.min(min, value);
          max = Math.max(max, value);
        }
      }
    }
    return new FeatureStatistics(
        column.getNullCount(),
        anyOrdered ? Optional.of(text.of(min)) : Optional.empty(),
        anyOrdered ? Optional.of(text.of(max)) : Optional.empty(),
        distinct);
  }

  private static FeatureStatistics ofBytes(BaseVariableWidthVector column, Order order) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    ArrowBuf data = column.getDataBuffer();
    int minRow = -1;
    int maxRow = -1;
    for (int row = 0; row < column.getValueCount(); row++) {
      if (!column.isNull(row)) {
        int start = column.getStartOffset(row);
        int length = column.getValueLength(row);
        distinct.add(ValueHashing.ofBytes(data, start, length));
        if (order == Order.ORDERED) {
          if (minRow < 0 || compareBytes(column, row, minRow) < 0) {
            minRow = row;
          }
          if (maxRow < 0 || compareBytes(column, row, maxRow) > 0) {
            maxRow = row;
          }
        }
      }
    }
    return new FeatureStatistics(
        column.getNullCount(), text(column, minRow), text(column, maxRow), distinct);
  }

  /** Unsigned byte order, which for UTF-8 is code point order. */
  private static int compareBytes(BaseVariableWidthVector column, int left, int right) {
    ArrowBuf data = column.getDataBuffer();
    long leftStart = column.getStartOffset(left);
    long rightStart = column.getStartOffset(right);
    int leftLength = column.getValueLength(left);
    int rightLength = column.getValueLength(right);
    int common = Math.min(leftLength, rightLength);
    for (int i = 0; i < common; i++) {
      int difference =
          Integer.compare(data.getByte(leftStart + i) & 0xFF, data.getByte(rightStart + i) & 0xFF);
      if (difference != 0) {
        return difference;
      }
    }
    return Integer.compare(leftLength, rightLength);
  }

  private static Optional<String> text(BaseVariableWidthVector column, int row) {
    if (row < 0) {
      return Optional.empty();
    }
    byte[] bytes = new byte[column.getValueLength(row)];
    column.getDataBuffer().getBytes(column.getStartOffset(row), bytes);
    return Optional.of(FeatureStatistics.canonicalText(new String(bytes, StandardCharsets.UTF_8)));
  }

  private static FeatureStatistics ofFloatVectors(FixedSizeListVector column) {
    DistinctCountSketch distinct = DistinctCountSketch.empty();
    ArrowBuf elements = column.getDataVector().getDataBuffer();
    int bytesPerValue = column.getListSize() * Float.BYTES;
    for (int row = 0; row < column.getValueCount(); row++) {
      if (!column.isNull(row)) {
        distinct.add(ValueHashing.ofBytes(elements, (long) row * bytesPerValue, bytesPerValue));
      }
    }
    return new FeatureStatistics(
        column.getNullCount(), Optional.empty(), Optional.empty(), distinct);
  }
}
