package dev.featurestore.core.online;

/**
 * Index storage is split in pages of {@link #SIZE} slots, so that growing an index allocates one
 * more page per column instead of copying whole columns while readers wait.
 */
final class Pages {
  static final int SHIFT = 12;
  static final int SIZE = 1 << SHIFT;
  static final int MASK = SIZE - 1;

  /** Array headers, charged with every page so that budgets see what the heap sees. */
  static final int ARRAY_OVERHEAD_BYTES = 16;

  private Pages() {}

  static int page(int slot) {
    return slot >>> SHIFT;
  }

  static int offset(int slot) {
    return slot & MASK;
  }
}
