package dev.featurestore.core.ingest;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Copies chosen rows of one Arrow vector into another of the same type, buffer to buffer: the
 * gather after a sort, the append of a whole uploaded column and the rows an erasure keeps all run
 * through here, instead of one {@code copyFromSafe} call (with its checks and virtual dispatch) per
 * cell.
 */
public final class VectorGather {
  private VectorGather() {}

  /**
   * Copies {@code source} rows {@code rows[from]..rows[from + count - 1]} to {@code target} rows
   * {@code at..at + count - 1}, growing {@code target} as needed. Rows of {@code target} before
   * {@code at} are kept. The caller sets the value count.
   */
  public static void gather(
      FieldVector source, int[] rows, int from, int count, FieldVector target, int at) {
    if (source instanceof BaseFixedWidthVector fixed && !(source instanceof BitVector)) {
      fixedWidth(fixed, rows, from, count, (BaseFixedWidthVector) target, at);
    } else if (source instanceof BaseVariableWidthVector variable) {
      variableWidth(variable, rows, from, count, (BaseVariableWidthVector) target, at);
    } else if (source instanceof FixedSizeListVector list
        && list.getDataVector() instanceof Float4Vector) {
      floatLists(list, rows, from, count, (FixedSizeListVector) target, at);
    } else {
      for (int i = 0; i < count; i++) {
        target.copyFromSafe(rows[from + i], at + i, source);
      }
    }
  }

  /**
   * Copies {@code source} rows {@code from..from + count - 1} to {@code target} rows {@code at..at
   * + count - 1}, growing {@code target} as needed: as {@link #gather} over consecutive rows, with
   * one bulk copy per buffer where the type allows (an upload's decoded columns and a compaction's
   * batches arrive this way). The caller sets the value count.
   */
  public static void copyRange(
      FieldVector source, int from, int count, FieldVector target, int at) {
    if (source instanceof BaseFixedWidthVector fixed && !(source instanceof BitVector)) {
      BaseFixedWidthVector out = (BaseFixedWidthVector) target;
      while (out.getValueCapacity() < at + count) {
        out.reAlloc();
      }
      long width = fixed.getTypeWidth();
      out.getDataBuffer().setBytes(at * width, fixed.getDataBuffer(), from * width, count * width);
      if (source.getNullCount() == 0) {
        setValid(out.getValidityBuffer(), at, count);
      } else {
        ArrowBuf in = source.getValidityBuffer();
        ArrowBuf validity = out.getValidityBuffer();
        for (int i = 0; i < count; i++) {
          BitVectorHelper.setValidityBit(validity, at + i, BitVectorHelper.get(in, from + i));
        }
      }
      return;
    }
    int[] rows = new int[count];
    for (int i = 0; i < count; i++) {
      rows[i] = from + i;
    }
    gather(source, rows, 0, count, target, at);
  }

  private static void fixedWidth(
      BaseFixedWidthVector source,
      int[] rows,
      int from,
      int count,
      BaseFixedWidthVector target,
      int at) {
    while (target.getValueCapacity() < at + count) {
      target.reAlloc();
    }
    ArrowBuf in = source.getDataBuffer();
    ArrowBuf out = target.getDataBuffer();
    int width = source.getTypeWidth();
    if (width == Long.BYTES) {
      for (int i = 0; i < count; i++) {
        out.setLong((long) (at + i) * Long.BYTES, in.getLong((long) rows[from + i] * Long.BYTES));
      }
    } else if (width == Integer.BYTES) {
      for (int i = 0; i < count; i++) {
        out.setInt(
            (long) (at + i) * Integer.BYTES, in.getInt((long) rows[from + i] * Integer.BYTES));
      }
    } else {
      for (int i = 0; i < count; i++) {
        out.setBytes((long) (at + i) * width, in, (long) rows[from + i] * width, width);
      }
    }
    validity(source, rows, from, count, target.getValidityBuffer(), at);
  }

  private static void variableWidth(
      BaseVariableWidthVector source,
      int[] rows,
      int from,
      int count,
      BaseVariableWidthVector target,
      int at) {
    target.fillEmpties(at);
    while (target.getValueCapacity() < at + count) {
      target.reallocValidityAndOffsetBuffers();
    }
    ArrowBuf inOffsets = source.getOffsetBuffer();
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      long row = rows[from + i];
      bytes += inOffsets.getInt((row + 1) * 4) - inOffsets.getInt(row * 4);
    }
    long end = target.getOffsetBuffer().getInt((long) at * 4);
    if (target.getDataBuffer().capacity() < end + bytes) {
      target.reallocDataBuffer(end + bytes);
    }
    ArrowBuf in = source.getDataBuffer();
    ArrowBuf out = target.getDataBuffer();
    ArrowBuf outOffsets = target.getOffsetBuffer();
    for (int i = 0; i < count; i++) {
      long row = rows[from + i];
      int start = inOffsets.getInt(row * 4);
      int length = inOffsets.getInt((row + 1) * 4) - start;
      out.setBytes(end, in, start, length);
      end += length;
      outOffsets.setInt((long) (at + i + 1) * 4, (int) end);
    }
    validity(source, rows, from, count, target.getValidityBuffer(), at);
    target.setLastSet(at + count - 1);
  }

  private static void floatLists(
      FixedSizeListVector source,
      int[] rows,
      int from,
      int count,
      FixedSizeListVector target,
      int at) {
    while (target.getValueCapacity() < at + count) {
      target.reAlloc();
    }
    int dimension = source.getListSize();
    Float4Vector inElements = (Float4Vector) source.getDataVector();
    Float4Vector outElements = (Float4Vector) target.getDataVector();
    long rowBytes = (long) dimension * Float.BYTES;
    ArrowBuf in = inElements.getDataBuffer();
    ArrowBuf out = outElements.getDataBuffer();
    ArrowBuf inValidity = inElements.getValidityBuffer();
    ArrowBuf outValidity = outElements.getValidityBuffer();
    for (int i = 0; i < count; i++) {
      int row = rows[from + i];
      out.setBytes((at + i) * rowBytes, in, row * rowBytes, rowBytes);
      for (int element = 0; element < dimension; element++) {
        BitVectorHelper.setValidityBit(
            outValidity,
            (at + i) * dimension + element,
            BitVectorHelper.get(inValidity, row * dimension + element));
      }
    }
    validity(source, rows, from, count, target.getValidityBuffer(), at);
  }

  private static void validity(
      FieldVector source, int[] rows, int from, int count, ArrowBuf out, int at) {
    if (source.getNullCount() == 0) {
      setValid(out, at, count);
      return;
    }
    ArrowBuf in = source.getValidityBuffer();
    for (int i = 0; i < count; i++) {
      BitVectorHelper.setValidityBit(out, at + i, BitVectorHelper.get(in, rows[from + i]));
    }
  }

  /** Sets validity bits {@code at..at + count - 1}, whole bytes at once. */
  private static void setValid(ArrowBuf validity, int at, int count) {
    int end = at + count;
    int bit = at;
    for (; bit < end && (bit & 7) != 0; bit++) {
      BitVectorHelper.setBit(validity, bit);
    }
    int wholeBytes = (end - bit) >>> 3;
    if (wholeBytes > 0) {
      validity.setOne((long) (bit >>> 3), wholeBytes);
      bit += wholeBytes << 3;
    }
    for (; bit < end; bit++) {
      BitVectorHelper.setBit(validity, bit);
    }
  }
}
