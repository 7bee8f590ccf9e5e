package dev.featurestore.core.online;

import dev.featurestore.core.model.FeatureDefinition;
import org.apache.arrow.vector.FieldVector;

/**
 * One feature's values by slot, with a presence bit per slot: a slot whose bit is clear holds null,
 * which is also what a new page and a feature added by schema evolution start with. Values live in
 * pages of their own ({@link PagedColumn}) or, for 8-byte types, row by row with the group's other
 * 8-byte features ({@link LongRows}).
 */
abstract class OnlineColumn {
  /** The column of a feature; 8-byte types take the next word of {@code rows}. */
  static OnlineColumn of(
      FeatureDefinition feature, MemoryAccount memory, ByteArena arena, LongRows rows) {
    return switch (feature.type()) {
      case BOOL -> new BooleanColumn(memory);
      case INT32 -> new IntColumn(memory, IntColumn.Meaning.INT32);
      case FLOAT32 -> new IntColumn(memory, IntColumn.Meaning.FLOAT32);
      case INT64 -> new LongColumn(rows, LongColumn.Meaning.INT64);
      case TIMESTAMP -> new LongColumn(rows, LongColumn.Meaning.TIMESTAMP_MICROS);
      case FLOAT64 -> new LongColumn(rows, LongColumn.Meaning.FLOAT64);
      case STRING -> new BytesColumn(memory, arena, BytesColumn.Meaning.UTF8);
      case BYTES -> new BytesColumn(memory, arena, BytesColumn.Meaning.BINARY);
      case FLOAT32_VECTOR -> new FloatVectorColumn(memory, feature.dimension());
    };
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
    if (isPresent(page, offset)) {
      discard(page, offset);
    }
    boolean present = source != null && !source.isNull(row);
    if (present) {
      setValue(source, row, page, offset);
    }
    setPresent(page, offset, present);
  }

  /** Makes a slot's value null. */
  final void clear(int page, int offset) {
    if (isPresent(page, offset)) {
      discard(page, offset);
      setPresent(page, offset, false);
    }
  }

  final boolean isPresent(int slot) {
    return isPresent(Pages.page(slot), Pages.offset(slot));
  }

  abstract boolean isPresent(int page, int offset);

  abstract void setPresent(int page, int offset, boolean present);

  /** Writes the value of a slot whose presence bit is set. */
  abstract void write(int slot, OnlineValueWriter out);

  /**
   * Reads the storage of a slot's value and returns some of its bits, so that a {@link #write} soon
   * after finds it in cache (see {@link LatestValueIndex.View#writeValues}).
   */
  abstract long touch(int slot);

  abstract void setValue(FieldVector source, int row, int page, int offset);

  /** Called before a present value is overwritten, for storage that cannot reuse its space. */
  void discard(int page, int offset) {}
}
