package dev.featurestore.core.online;

import java.util.Arrays;

/** Keys of INT64 entities, stored by slot in pages of longs. */
final class LongKeyTable extends KeyTable {
  private long[][] keys = new long[0][];

  LongKeyTable(MemoryAccount memory) {
    super(memory);
  }

  @Override
  void addPage(int page) {
    memory.reserve(8L * Pages.SIZE + Pages.ARRAY_OVERHEAD_BYTES);
    keys = Arrays.copyOf(keys, page + 1);
    keys[page] = new long[Pages.SIZE];
  }

  @Override
  int storedHash(int slot) {
    return mix(keys[Pages.page(slot)][Pages.offset(slot)]);
  }

  int find(long key) {
    int position = mix(key) & mask;
    while (true) {
      int entry = table[position];
      if (entry == 0) {
        return -1;
      }
      int slot = entry - 1;
      if (keys[Pages.page(slot)][Pages.offset(slot)] == key) {
        return slot;
      }
      position = (position + 1) & mask;
    }
  }

  /** Adds a key known to be absent; its page must exist. */
  void add(long key, int slot) {
    keys[Pages.page(slot)][Pages.offset(slot)] = key;
    insert(mix(key), slot);
  }
}
