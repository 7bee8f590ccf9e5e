package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;

/** 32-bit values: INT32, or FLOAT32 kept as its bits. */
final class IntColumn extends PagedColumn {
  enum Meaning {
    INT32,
    FLOAT32
  }

  private final Meaning meaning;
  private int[][] values = new int[0][];

  IntColumn(MemoryAccount memory, Meaning meaning) {
    super(memory);
    this.meaning = meaning;
  }

  @Override
  void addValuePage(int page) {
    memory.reserve(4L * Pages.SIZE + Pages.ARRAY_OVERHEAD_BYTES);
    values = Arrays.copyOf(values, page + 1);
    values[page] = new int[Pages.SIZE];
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    values[page][offset] = ((BaseFixedWidthVector) source).getDataBuffer().getInt(4L * row);
  }

  @Override
  long touch(int slot) {
    return values[Pages.page(slot)][Pages.offset(slot)];
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    int value = values[Pages.page(slot)][Pages.offset(slot)];
    if (meaning == Meaning.INT32) {
      out.writeLong(value);
    } else {
      out.writeFloat(Float.intBitsToFloat(value));
    }
  }
}
