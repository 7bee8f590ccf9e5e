package dev.featurestore.core.memory;

/** Sizes that reusable blocks are rounded up to: four steps per power of two. */
public final class SizeClasses {
  private SizeClasses() {}

  /**
   * The smallest of 4, 5, 6 or 7 times a power of two that holds {@code size} (at most a quarter
   * more than asked), or {@code smallest} when that holds it.
   */
  public static long quarterStep(long size, long smallest) {
    if (size <= smallest) {
      return smallest;
    }
    long step = Long.highestOneBit(size - 1) >>> 2;
    return Math.addExact(size, step - 1) / step * step;
  }
}
