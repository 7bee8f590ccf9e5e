package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/**
 * Variable-length values (string keys, STRING and BYTES features) appended to large byte chunks. A
 * reference is the chunk number in the high 32 bits and the offset in the low 32. A replaced value
 * stays in its chunk as garbage, counted so that operators can see it.
 */
final class ByteArena {
  private static final int CHUNK_SIZE = 1 << 20;

  private final MemoryAccount memory;
  private byte[][] chunks = new byte[0][];
  private int position;
  private long garbageBytes;

  ByteArena(MemoryAccount memory) {
    this.memory = memory;
  }

  long append(ArrowBuf source, long start, int length) {
    long reference = makeRoom(length);
    source.getBytes(start, chunks[chunks.length - 1], position, length);
    position += length;
    return reference;
  }

  long append(byte[] source, int length) {
    long reference = makeRoom(length);
    System.arraycopy(source, 0, chunks[chunks.length - 1], position, length);
    position += length;
    return reference;
  }

  void discard(int length) {
    garbageBytes += length;
  }

  long garbageBytes() {
    return garbageBytes;
  }

  byte[] chunk(long reference) {
    return chunks[(int) (reference >>> 32)];
  }

  static int offset(long reference) {
    return (int) reference;
  }

  private long makeRoom(int length) {
    if (chunks.length == 0 || chunks[chunks.length - 1].length - position < length) {
      int size = Math.max(CHUNK_SIZE, length);
      memory.reserve(size + Pages.ARRAY_OVERHEAD_BYTES);
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      chunks[chunks.length - 1] = new byte[size];
      position = 0;
    }
    return ((long) (chunks.length - 1) << 32) | position;
  }
}
