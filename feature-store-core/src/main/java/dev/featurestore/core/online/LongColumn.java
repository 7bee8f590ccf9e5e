package dev.featurestore.core.online;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;

/** 64-bit values: INT64, TIMESTAMP (microseconds) or FLOAT64 kept as its bits; one word of rows. */
final class LongColumn extends OnlineColumn {
  enum Meaning {
    INT64,
    TIMESTAMP_MICROS,
    FLOAT64
  }

  private final LongRows rows;
  private final int word;
  private final Meaning meaning;

  LongColumn(LongRows rows, Meaning meaning) {
    this.rows = rows;
    this.word = rows.claimWord();
    this.meaning = meaning;
  }

  @Override
  boolean isPresent(int page, int offset) {
    return rows.isPresent(page, offset, word);
  }

  @Override
  void setPresent(int page, int offset, boolean present) {
    rows.setPresent(page, offset, word, present);
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    rows.setValue(
        page, offset, word, ((BaseFixedWidthVector) source).getDataBuffer().getLong(8L * row));
  }

  @Override
  long touch(int slot) {
    return rows.value(Pages.page(slot), Pages.offset(slot), word);
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    long value = rows.value(Pages.page(slot), Pages.offset(slot), word);
    switch (meaning) {
      case INT64 -> out.writeLong(value);
      case TIMESTAMP_MICROS -> out.writeTimestampMicros(value);
      case FLOAT64 -> out.writeDouble(Double.longBitsToDouble(value));
    }
  }
}
