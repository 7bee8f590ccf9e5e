package dev.featurestore.core.join;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The four- and eight-byte feature values of a {@link SpineSlotJoin}'s candidates, one record per
 * slot: words of validity bits (one bit per feature), then one eight-byte word per feature. A
 * winning row's values land in one or two cache lines, and the output reads them back the same way,
 * where a column per feature costs a cache miss per feature on both sides: feature files sweep
 * every slot once per file, and the spine reads its slots in its own order.
 */
final class SlotRecords implements AutoCloseable {
  private final int columnCount;
  private final boolean[] fourBytes;
  private final int validityWords;
  private final long recordBytes;
  private final ArrowBuf records;
  private final long address;

  /** Whether a value of this type fits a record's word: a fixed-width value of 4 or 8 bytes. */
  static boolean holds(Field field) {
    int bits = valueBits(field.getType());
    return bits == Integer.SIZE || bits == Long.SIZE;
  }

  /** Arrow memory per slot of a record of {@code columnCount} values. */
  static long bytesPerSlot(int columnCount) {
    return columnCount == 0 ? 0 : 8L * (validityWords(columnCount) + columnCount);
  }

  /** Records of {@code fields} (each {@link #holds held}), every value null. */
  SlotRecords(Field[] fields, int slotCount, BufferAllocator allocator) {
    this.columnCount = fields.length;
    this.fourBytes = new boolean[columnCount];
    for (int column = 0; column < columnCount; column++) {
      fourBytes[column] = valueBits(fields[column].getType()) == Integer.SIZE;
    }
    this.validityWords = validityWords(columnCount);
    this.recordBytes = bytesPerSlot(columnCount);
    this.records = allocator.buffer(Math.max(1, slotCount * recordBytes));
    records.setZero(0, records.capacity());
    this.address = records.memoryAddress();
  }

  int columnCount() {
    return columnCount;
  }

  /**
   * Makes row {@code row} of the sources the slot's values, a null source meaning null; {@code
   * sourceData} and {@code sourceValidity} are the sources' buffer addresses ({@link #addresses}).
   */
  void copy(long[] sourceData, long[] sourceValidity, int row, int slot) {
    long record = address + slot * recordBytes;
    long values = record + 8L * validityWords;
    long validBits = 0;
    for (int column = 0; column < columnCount; column++) {
      if (sourceData[column] != 0 && ColumnMemory.isValid(sourceValidity[column], row)) {
        validBits |= 1L << column;
        long value =
            fourBytes[column]
                ? ColumnMemory.intAt(sourceData[column], row)
                : ColumnMemory.longAt(sourceData[column], row);
        MemoryUtil.putLong(values + 8L * column, value);
      }
      if ((column & 63) == 63 || column == columnCount - 1) {
        MemoryUtil.putLong(record + 8L * (column >>> 6), validBits);
        validBits = 0;
      }
    }
  }

  /**
   * The data and validity addresses of {@code sources}, 0 for a null source, as {@link #copy} reads
   * them.
   */
  static void addresses(FieldVector[] sources, long[] data, long[] validity) {
    for (int column = 0; column < sources.length; column++) {
      data[column] = sources[column] == null ? 0 : sources[column].getDataBufferAddress();
      validity[column] = sources[column] == null ? 0 : sources[column].getValidityBufferAddress();
    }
  }

  /**
   * Allocates {@code outputs} (one per column) and fills their row {@code i} with the values of
   * slot {@code sourceSlots[i]}, or nulls for {@link SpineSlotJoin#NO_SLOT}.
   */
  void fill(FieldVector[] outputs, int[] sourceSlots) {
    int rowCount = sourceSlots.length;
    long[] data = new long[columnCount];
    long[] validity = new long[columnCount];
    for (int column = 0; column < columnCount; column++) {
      outputs[column].setInitialCapacity(rowCount);
      outputs[column].allocateNew();
      if (outputs[column].getValueCapacity() < rowCount) {
        throw new IllegalStateException("output column was allocated too small");
      }
      data[column] = outputs[column].getDataBufferAddress();
      validity[column] = outputs[column].getValidityBufferAddress();
    }
    for (int row = 0; row < rowCount; row++) {
      int slot = sourceSlots[row];
      if (slot == SpineSlotJoin.NO_SLOT) {
        continue;
      }
      long record = address + slot * recordBytes;
      long values = record + 8L * validityWords;
      for (int word = 0; word < validityWords; word++) {
        long validBits = MemoryUtil.getLong(record + 8L * word);
        while (validBits != 0) {
          int column = (word << 6) + Long.numberOfTrailingZeros(validBits);
          validBits &= validBits - 1;
          long value = MemoryUtil.getLong(values + 8L * column);
          if (fourBytes[column]) {
            ColumnMemory.putInt(data[column], row, (int) value);
          } else {
            ColumnMemory.putLong(data[column], row, value);
          }
          ColumnMemory.setValid(validity[column], row);
        }
      }
    }
    for (FieldVector output : outputs) {
      output.setValueCount(rowCount);
    }
  }

  @Override
  public void close() {
    records.close();
  }

  private static int validityWords(int columnCount) {
    return (columnCount + 63) / 64;
  }

  /** The width of a fixed-width type's values, or 0 for other types. */
  private static int valueBits(ArrowType type) {
    if (type.isComplex()) {
      return 0;
    }
    var layouts = TypeLayout.getTypeLayout(type).getBufferLayouts();
    if (layouts.size() != 2) {
      return 0; // variable-width: validity, offsets, data
    }
    return layouts.get(1).getTypeBitWidth();
  }
}
