package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;

/** 64-bit values: INT64, TIMESTAMP (microseconds) or FLOAT64 kept as its bits. */
final class LongColumn extends OnlineColumn {
  enum Meaning {
    INT64,
    TIMESTAMP_MICROS,
    FLOAT64
  }

  private final Meaning meaning;
  private long[][] values = new long[0][];

  LongColumn(MemoryAccount memory, Meaning meaning) {
    super(memory);
    this.meaning = meaning;
  }

  @Override
  void addValuePage(int page) {
    memory.reserve(8L * Pages.SIZE + Pages.ARRAY_OVERHEAD_BYTES);
    values = Arrays.copyOf(values, page + 1);
    values[page] = new long[Pages.SIZE];
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    values[page][offset] = ((BaseFixedWidthVector) source).getDataBuffer().getLong(8L * row);
  }

  @Override
  long touch(int slot) {
    return values[Pages.page(slot)][Pages.offset(slot)];
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    long value = values[Pages.page(slot)][Pages.offset(slot)];
    switch (meaning) {
      case INT64 -> out.writeLong(value);
      case TIMESTAMP_MICROS -> out.writeTimestampMicros(value);
      case FLOAT64 -> out.writeDouble(Double.longBitsToDouble(value));
    }
  }
}
