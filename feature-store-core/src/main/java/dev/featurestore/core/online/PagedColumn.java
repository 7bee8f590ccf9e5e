package dev.featurestore.core.online;

import java.util.Arrays;

/** A column in pages of its own: values in pages of primitives and a page of presence bits. */
abstract class PagedColumn extends OnlineColumn implements PageStorage {
  protected final MemoryAccount memory;
  private long[][] presence = new long[0][];

  PagedColumn(MemoryAccount memory) {
    this.memory = memory;
  }

  @Override
  public final void addPage(int page) {
    memory.reserve(Pages.SIZE / 8 + Pages.ARRAY_OVERHEAD_BYTES);
    presence = Arrays.copyOf(presence, page + 1);
    presence[page] = new long[Pages.SIZE / 64];
    addValuePage(page);
  }

  @Override
  final boolean isPresent(int page, int offset) {
    return (presence[page][offset >>> 6] & (1L << offset)) != 0;
  }

  @Override
  final void setPresent(int page, int offset, boolean present) {
    if (present) {
      presence[page][offset >>> 6] |= 1L << offset;
    } else {
      presence[page][offset >>> 6] &= ~(1L << offset);
    }
  }

  abstract void addValuePage(int page);
}
