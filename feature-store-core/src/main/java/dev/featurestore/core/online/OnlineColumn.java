package dev.featurestore.core.online;

import dev.featurestore.core.model.FeatureDefinition;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;

/**
 * One feature's values by slot, in pages of primitives, with a presence bit per slot (a slot whose
 * bit is clear holds null, which is also what a new page and a feature added by schema evolution
 * start with).
 */
abstract class OnlineColumn {
  protected final MemoryAccount memory;
  private long[][] presence = new long[0][];

  OnlineColumn(MemoryAccount memory) {
    this.memory = memory;
  }

  static OnlineColumn of(FeatureDefinition feature, MemoryAccount memory, ByteArena arena) {
    return switch (feature.type()) {
      case BOOL -> new BooleanColumn(memory);
      case INT32 -> new IntColumn(memory, IntColumn.Meaning.INT32);
      case FLOAT32 -> new IntColumn(memory, IntColumn.Meaning.FLOAT32);
      case INT64 -> new LongColumn(memory, LongColumn.Meaning.INT64);
      case TIMESTAMP -> new LongColumn(memory, LongColumn.Meaning.TIMESTAMP_MICROS);
      case FLOAT64 -> new LongColumn(memory, LongColumn.Meaning.FLOAT64);
      case STRING -> new BytesColumn(memory, arena, BytesColumn.Meaning.UTF8);
      case BYTES -> new BytesColumn(memory, arena, BytesColumn.Meaning.BINARY);
      case FLOAT32_VECTOR -> new FloatVectorColumn(memory, feature.dimension());
    };
  }

  final void addPage(int page) {
    memory.reserve(Pages.SIZE / 8 + Pages.ARRAY_OVERHEAD_BYTES);
    presence = Arrays.copyOf(presence, page + 1);
    presence[page] = new long[Pages.SIZE / 64];
    addValuePage(page);
  }

  /**
   * Copies rows {@code rows[i]} of {@code source} to slots {@code slots[i]}, in order, for the
   * first {@code count}; a missing source is a null value.
   */
  final void copy(FieldVector source, int[] rows, int[] slots, int count) {
    for (int i = 0; i < count; i++) {
      copy(source, rows[i], slots[i]);
    }
  }

  private void copy(FieldVector source, int row, int slot) {
    int page = Pages.page(slot);
    int offset = Pages.offset(slot);
    boolean wasPresent = isPresent(page, offset);
    if (wasPresent) {
      discard(page, offset);
    }
    long bit = 1L << offset;
    if (source == null || source.isNull(row)) {
      presence[page][offset >>> 6] &= ~bit;
    } else {
      setValue(source, row, page, offset);
      presence[page][offset >>> 6] |= bit;
    }
  }

  final boolean isPresent(int slot) {
    return isPresent(Pages.page(slot), Pages.offset(slot));
  }

  private boolean isPresent(int page, int offset) {
    return (presence[page][offset >>> 6] & (1L << offset)) != 0;
  }

  /** Writes the value of a slot whose presence bit is set. */
  abstract void write(int slot, OnlineValueWriter out);

  /**
   * Reads the storage of a slot's value and returns some of its bits, so that a {@link #write} soon
   * after finds it in cache (see {@link LatestValueIndex.View#writeValues}).
   */
  abstract long touch(int slot);

  abstract void addValuePage(int page);

  abstract void setValue(FieldVector source, int row, int page, int offset);

  /** Called before a present value is overwritten, for storage that cannot reuse its space. */
  void discard(int page, int offset) {}
}
