package dev.featurestore.core.discovery;

import org.apache.arrow.memory.ArrowBuf;

/**
 * 64-bit hashes of column values for {@link DistinctCountSketch}: MurmurHash3's finaliser for
 * numbers, and a word-at-a-time mix of it over bytes read straight from Arrow buffers (no copy per
 * value). Well spread enough for HyperLogLog; not for anything adversarial.
 */
final class ValueHashing {
  private ValueHashing() {}

  static long ofLong(long value) {
    long z = value;
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** Equal doubles hash equally: -0.0 as 0.0 and every NaN as one. */
  static long ofDouble(double value) {
    return ofLong(value == 0 ? 0 : Double.doubleToLongBits(value));
  }

  static long ofBytes(ArrowBuf buffer, long start, int length) {
    long hash = 0x9E3779B97F4A7C15L ^ length;
    long offset = start;
    long end = start + length;
    for (; offset + Long.BYTES <= end; offset += Long.BYTES) {
      hash = Long.rotateLeft(hash ^ ofLong(buffer.getLong(offset)), 27) * 5 + 0x52dce729;
    }
    long tail = 0;
    for (int shift = 0; offset < end; offset++, shift += 8) {
      tail |= (buffer.getByte(offset) & 0xFFL) << shift;
    }
    return ofLong(hash ^ ofLong(tail ^ length));
  }
}
