package dev.featurestore.storage.parquet;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.parquet.io.ParquetDecodingException;

/**
 * Streams the values of Parquet's RLE / bit-packed hybrid encoding (definition and repetition
 * levels, dictionary ids) into int arrays, a run at a time: a repeated run fills its range at once,
 * a bit-packed run unpacks eight values per group. It keeps one run's state, so memory stays
 * bounded whatever counts a damaged header claims.
 */
final class HybridDecoder {
  private ByteBuffer in;
  private int bitWidth;
  private int byteWidth;
  private int mask;

  /** Values left in the current run; a repeated run repeats {@link #repeated}. */
  private int runLeft;

  private boolean packedRun;
  private int repeated;
  private final int[] group = new int[8];
  private int groupIndex = 8;

  /** Starts decoding {@code in} from its position, which advances as runs are read. */
  void start(ByteBuffer in, int bitWidth) {
    if (bitWidth < 0 || bitWidth > 32) {
      throw new ParquetDecodingException("invalid bit width " + bitWidth);
    }
    this.in = in;
    this.bitWidth = bitWidth;
    this.byteWidth = (bitWidth + 7) / 8;
    this.mask = bitWidth == 32 ? -1 : (1 << bitWidth) - 1;
    this.runLeft = 0;
    this.groupIndex = 8;
  }

  /** Reads the next {@code count} values into {@code out[offset..]}. */
  void read(int[] out, int offset, int count) {
    int done = 0;
    while (done < count) {
      while (runLeft == 0) {
        nextRun(); // tolerates empty runs, as parquet-java does; each takes a header byte
      }
      int take = Math.min(runLeft, count - done);
      if (packedRun) {
        for (int i = 0; i < take; i++) {
          if (groupIndex == 8) {
            unpackGroup();
          }
          out[offset + done + i] = group[groupIndex++];
        }
      } else {
        Arrays.fill(out, offset + done, offset + done + take, repeated);
      }
      runLeft -= take;
      done += take;
    }
  }

  private void nextRun() {
    int header = readUnsignedVarInt();
    if ((header & 1) == 0) {
      runLeft = header >>> 1;
      packedRun = false;
      int value = 0;
      for (int i = 0; i < byteWidth; i++) {
        value |= (in.get() & 0xFF) << (8 * i);
      }
      repeated = value;
    } else {
      int groups = header >>> 1;
      if (groups > (Integer.MAX_VALUE >>> 3)) {
        throw new ParquetDecodingException("bit-packed run too long: " + groups + " groups");
      }
      runLeft = groups * 8;
      packedRun = true;
      groupIndex = 8;
    }
  }

  /**
   * Values pack least significant bit first; a last group cut short at the end of the data reads as
   * zeros, as parquet-java's own decoder tolerates.
   */
  private void unpackGroup() {
    long buffer = 0;
    int bits = 0;
    for (int i = 0; i < 8; i++) {
      while (bits < bitWidth) {
        long next = in.hasRemaining() ? in.get() & 0xFF : 0;
        buffer |= next << bits;
        bits += 8;
      }
      group[i] = (int) (buffer & mask);
      buffer >>>= bitWidth;
      bits -= bitWidth;
    }
    groupIndex = 0;
  }

  private int readUnsignedVarInt() {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.get() & 0xFF;
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new ParquetDecodingException("run header longer than five bytes");
  }

  /** Bits needed for values up to {@code max}. */
  static int bitWidth(int max) {
    return 32 - Integer.numberOfLeadingZeros(max);
  }
}
