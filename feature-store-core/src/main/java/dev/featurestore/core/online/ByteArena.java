package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;

/**
 * Variable-length values (string keys, STRING and BYTES features) appended to large byte chunks. A
 * reference is the chunk number in the high 32 bits and the offset in the low 32. A replaced value
 * stays in its chunk as garbage until the owner moves the live values to fresh chunks ({@link
 * #startChunk}, {@link #move}) and frees the old ones ({@link #freeChunksBefore}).
 */
final class ByteArena {
  static final int CHUNK_SIZE = 1 << 20;

  private final MemoryAccount memory;
  private byte[][] chunks = new byte[0][];
  // Bytes appended to each chunk; the last one's is the position of the next append.
  private int[] fills = new int[0];
  private long heldBytes;
  private long liveBytes;
  private boolean newChunkNext;

  ByteArena(MemoryAccount memory) {
    this.memory = memory;
  }

  long append(ArrowBuf source, long start, int length) {
    long reference = makeRoom(length);
    source.getBytes(start, chunks[chunks.length - 1], offset(reference), length);
    return reference;
  }

  long append(byte[] source, int length) {
    return append(source, 0, length);
  }

  /** The value at {@code reference}, copied to the newest chunk; the old copy becomes garbage. */
  long move(long reference, int length) {
    long moved = append(chunk(reference), offset(reference), length);
    liveBytes -= length;
    return moved;
  }

  void discard(int length) {
    liveBytes -= length;
  }

  long garbageBytes() {
    return heldBytes - liveBytes;
  }

  long liveBytes() {
    return liveBytes;
  }

  byte[] chunk(long reference) {
    return chunks[chunkNumber(reference)];
  }

  static int chunkNumber(long reference) {
    return (int) (reference >>> 32);
  }

  static int offset(long reference) {
    return (int) reference;
  }

  /** Makes the next append start a new chunk, and returns that chunk's number. */
  int startChunk() {
    newChunkNext = true;
    return chunks.length;
  }

  /** Frees the chunks numbered below {@code chunk}, which must no longer hold a live value. */
  void freeChunksBefore(int chunk) {
    for (int i = 0; i < chunk; i++) {
      if (chunks[i] != null) {
        memory.release(reserved(chunks[i]));
        heldBytes -= fills[i];
        chunks[i] = null;
      }
    }
  }

  private long append(byte[] source, int start, int length) {
    long reference = makeRoom(length);
    System.arraycopy(source, start, chunks[chunks.length - 1], offset(reference), length);
    return reference;
  }

  private long makeRoom(int length) {
    int last = chunks.length - 1;
    if (last < 0 || newChunkNext || chunks[last].length - fills[last] < length) {
      byte[] chunk = new byte[Math.max(CHUNK_SIZE, length)];
      memory.reserve(reserved(chunk));
      chunks = Arrays.copyOf(chunks, chunks.length + 1);
      fills = Arrays.copyOf(fills, fills.length + 1);
      chunks[++last] = chunk;
      newChunkNext = false;
    }
    long reference = ((long) last << 32) | fills[last];
    fills[last] += length;
    heldBytes += length;
    liveBytes += length;
    return reference;
  }

  private static long reserved(byte[] chunk) {
    return chunk.length + (long) Pages.ARRAY_OVERHEAD_BYTES;
  }
}
