package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/** BOOL values, one bit per slot. */
final class BooleanColumn extends PagedColumn {
  private long[][] bits = new long[0][];

  BooleanColumn(MemoryAccount memory) {
    super(memory);
  }

  @Override
  void addValuePage(int page) {
    memory.reserve(Pages.SIZE / 8 + Pages.ARRAY_OVERHEAD_BYTES);
    bits = Arrays.copyOf(bits, page + 1);
    bits[page] = new long[Pages.SIZE / 64];
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    long bit = 1L << offset;
    if (((BitVector) source).get(row) != 0) {
      bits[page][offset >>> 6] |= bit;
    } else {
      bits[page][offset >>> 6] &= ~bit;
    }
  }

  @Override
  long touch(int slot) {
    return bits[Pages.page(slot)][Pages.offset(slot) >>> 6];
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    int offset = Pages.offset(slot);
    out.writeBoolean((bits[Pages.page(slot)][offset >>> 6] & (1L << offset)) != 0);
  }
}
