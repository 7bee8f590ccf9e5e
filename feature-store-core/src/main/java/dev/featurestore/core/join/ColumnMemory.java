package dev.featurestore.core.join;

import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;

/**
 * Raw reads and writes of fixed-width Arrow columns by address. Arrow's getters check bounds and
 * nulls on every call (unless the JVM runs with {@code -Darrow.enable_unsafe_memory_access=true});
 * the join's inner loops instead check a column's size once with {@link #requireValues} and then
 * read millions of values without checks.
 */
final class ColumnMemory {
  private ColumnMemory() {}

  /** Fails unless {@code vector} holds at least {@code rowCount} values. */
  static void requireValues(FieldVector vector, int rowCount) {
    if (vector.getValueCount() < rowCount) {
      throw new IllegalStateException(
          "column '"
              + vector.getField().getName()
              + "' has "
              + vector.getValueCount()
              + " values, fewer than the batch's "
              + rowCount
              + " rows");
    }
  }

  static long longAt(long dataAddress, int row) {
    return MemoryUtil.getLong(dataAddress + ((long) row << 3));
  }

  static void putLong(long dataAddress, int row, long value) {
    MemoryUtil.putLong(dataAddress + ((long) row << 3), value);
  }

  static int intAt(long dataAddress, int row) {
    return MemoryUtil.getInt(dataAddress + ((long) row << 2));
  }

  static void putInt(long dataAddress, int row, int value) {
    MemoryUtil.putInt(dataAddress + ((long) row << 2), value);
  }

  static boolean isValid(long validityAddress, int row) {
    return ((MemoryUtil.getByte(validityAddress + (row >>> 3)) >>> (row & 7)) & 1) != 0;
  }

  static void setValid(long validityAddress, int row) {
    long address = validityAddress + (row >>> 3);
    MemoryUtil.putByte(address, (byte) (MemoryUtil.getByte(address) | (1 << (row & 7))));
  }

  static void setNull(long validityAddress, int row) {
    long address = validityAddress + (row >>> 3);
    MemoryUtil.putByte(address, (byte) (MemoryUtil.getByte(address) & ~(1 << (row & 7))));
  }
}
