package dev.featurestore.core.join;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * One requested feature's candidate values in a {@link SpineSlotJoin}, indexed by slot; a better
 * candidate overwrites a slot's value in place. Four- and eight-byte values are copied by address
 * (see {@link ColumnMemory}), other fixed-layout values (booleans, float vectors) through Arrow's
 * setters, and variable-width values into a byte arena, since Arrow's variable-width vectors can
 * only be written in order.
 */
abstract sealed class SlotValues implements AutoCloseable {

  static SlotValues of(Field field, int slotCount, BufferAllocator allocator) {
    FieldVector vector = field.createVector(allocator);
    if (vector instanceof BaseVariableWidthVector) {
      vector.close();
      return new VariableWidth(slotCount);
    }
    try {
      if (vector instanceof BaseFixedWidthVector fixedWidth
          && (fixedWidth.getTypeWidth() == Long.BYTES
              || fixedWidth.getTypeWidth() == Integer.BYTES)) {
        allocateNulls(fixedWidth, slotCount, allocator);
        return new ByAddress(fixedWidth);
      }
      vector.setInitialCapacity(slotCount);
      // Zeroed: every slot starts null.
      vector.allocateNew();
      return new BySetter(vector);
    } catch (RuntimeException e) {
      vector.close();
      throw e;
    }
  }

  /**
   * Allocates {@code slotCount} null values: only the validity is zeroed, since a value is read
   * only once copied (valid) and Arrow's {@code allocateNew} would write every byte of the values
   * too.
   */
  private static void allocateNulls(
      BaseFixedWidthVector vector, int slotCount, BufferAllocator allocator) {
    try (ArrowBuf validity = allocator.buffer(BitVectorHelper.getValidityBufferSize(slotCount));
        ArrowBuf data = allocator.buffer((long) slotCount * vector.getTypeWidth())) {
      validity.setZero(0, validity.capacity());
      vector.loadFieldBuffers(new ArrowFieldNode(slotCount, 0), List.of(validity, data));
    }
  }

  /** Makes row {@code row} of {@code source} the slot's value; a null source means null. */
  abstract void copy(FieldVector source, int row, int slot);

  /**
   * Allocates {@code output} and fills its row {@code i} with the value of slot {@code
   * sourceSlots[i]}, or null for {@link SpineSlotJoin#NO_SLOT}.
   */
  abstract void fill(FieldVector output, int[] sourceSlots);

  @Override
  public abstract void close();

  private static final class ByAddress extends SlotValues {
    private final BaseFixedWidthVector slots;
    private final boolean eightBytes;
    private final long data;
    private final long validity;

    ByAddress(BaseFixedWidthVector slots) {
      this.slots = slots;
      this.eightBytes = slots.getTypeWidth() == Long.BYTES;
      this.data = slots.getDataBufferAddress();
      this.validity = slots.getValidityBufferAddress();
    }

    @Override
    void copy(FieldVector source, int row, int slot) {
      if (source == null || !ColumnMemory.isValid(source.getValidityBufferAddress(), row)) {
        ColumnMemory.setNull(validity, slot);
        return;
      }
      copyValue(source.getDataBufferAddress(), row, data, slot);
      ColumnMemory.setValid(validity, slot);
    }

    @Override
    void fill(FieldVector output, int[] sourceSlots) {
      int rowCount = sourceSlots.length;
      output.setInitialCapacity(rowCount);
      output.allocateNew();
      if (output.getValueCapacity() < rowCount) {
        throw new IllegalStateException("output column was allocated too small");
      }
      long outputData = output.getDataBufferAddress();
      long outputValidity = output.getValidityBufferAddress();
      for (int row = 0; row < rowCount; row++) {
        int slot = sourceSlots[row];
        if (slot != SpineSlotJoin.NO_SLOT && ColumnMemory.isValid(validity, slot)) {
          copyValue(data, slot, outputData, row);
          ColumnMemory.setValid(outputValidity, row);
        }
      }
      output.setValueCount(rowCount);
    }

    private void copyValue(long fromData, int fromIndex, long toData, int toIndex) {
      if (eightBytes) {
        ColumnMemory.putLong(toData, toIndex, ColumnMemory.longAt(fromData, fromIndex));
      } else {
        ColumnMemory.putInt(toData, toIndex, ColumnMemory.intAt(fromData, fromIndex));
      }
    }

    @Override
    public void close() {
      slots.close();
    }
  }

  private static final class BySetter extends SlotValues {
    private final FieldVector slots;

    BySetter(FieldVector slots) {
      this.slots = slots;
    }

    @Override
    void copy(FieldVector source, int row, int slot) {
      if (source != null) {
        slots.copyFromSafe(row, slot, source);
      } else if (slots instanceof BaseFixedWidthVector fixedWidth) {
        fixedWidth.setNull(slot);
      } else if (slots instanceof FixedSizeListVector list) {
        list.setNull(slot);
      } else {
        throw new IllegalStateException("cannot null a value of " + slots.getField());
      }
    }

    @Override
    void fill(FieldVector output, int[] sourceSlots) {
      output.setInitialCapacity(sourceSlots.length);
      output.allocateNew();
      for (int row = 0; row < sourceSlots.length; row++) {
        if (sourceSlots[row] != SpineSlotJoin.NO_SLOT) {
          output.copyFromSafe(sourceSlots[row], row, slots);
        }
      }
      output.setValueCount(sourceSlots.length);
    }

    @Override
    public void close() {
      slots.close();
    }
  }

  /** Values appended to one growing array; a replaced value stays behind as garbage. */
  private static final class VariableWidth extends SlotValues {
    private static final int NULL_LENGTH = -1;
    private static final int MAXIMUM_BYTES = Integer.MAX_VALUE - 8;
    private final int[] starts;
    private final int[] lengths;
    private byte[] bytes = new byte[1024];
    private int used;

    VariableWidth(int slotCount) {
      starts = new int[slotCount];
      lengths = new int[slotCount];
      Arrays.fill(lengths, NULL_LENGTH);
    }

    @Override
    void copy(FieldVector source, int row, int slot) {
      if (source == null || source.isNull(row)) {
        lengths[slot] = NULL_LENGTH;
        return;
      }
      BaseVariableWidthVector values = (BaseVariableWidthVector) source;
      int start = values.getStartOffset(row);
      int length = values.getEndOffset(row) - start;
      makeRoom(length);
      values.getDataBuffer().getBytes(start, bytes, used, length);
      starts[slot] = used;
      lengths[slot] = length;
      used += length;
    }

    private void makeRoom(int length) {
      if (bytes.length - used >= length) {
        return;
      }
      long needed = (long) used + length;
      if (needed > MAXIMUM_BYTES) {
        throw new IllegalStateException(
            "variable-width candidates of one join exceed 2 GiB; lower the memory budget to"
                + " partition the join");
      }
      bytes =
          Arrays.copyOf(
              bytes, (int) Math.min(Math.max((long) bytes.length * 2, needed), MAXIMUM_BYTES));
    }

    @Override
    void fill(FieldVector output, int[] sourceSlots) {
      BaseVariableWidthVector values = (BaseVariableWidthVector) output;
      long totalBytes = 0;
      for (int slot : sourceSlots) {
        if (slot != SpineSlotJoin.NO_SLOT && lengths[slot] != NULL_LENGTH) {
          totalBytes += lengths[slot];
        }
      }
      values.allocateNew(Math.max(totalBytes, 1), sourceSlots.length);
      for (int row = 0; row < sourceSlots.length; row++) {
        int slot = sourceSlots[row];
        if (slot != SpineSlotJoin.NO_SLOT && lengths[slot] != NULL_LENGTH) {
          values.setSafe(row, bytes, starts[slot], lengths[slot]);
        }
      }
      values.setValueCount(sourceSlots.length);
    }

    @Override
    public void close() {
      // Heap only.
    }
  }
}
