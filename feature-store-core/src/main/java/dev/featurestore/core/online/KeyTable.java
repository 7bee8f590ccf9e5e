package dev.featurestore.core.online;

/**
 * An open-addressing hash table from key to slot, in one int array (slot + 1, 0 for empty), with
 * linear probing and a load factor of at most one half. Subclasses store the keys by slot.
 */
abstract class KeyTable {
  private static final int INITIAL_TABLE_SIZE = 1 << 10;

  protected final MemoryAccount memory;
  protected int[] table;
  protected int mask;
  private int count;

  KeyTable(MemoryAccount memory) {
    this.memory = memory;
    memory.reserve(4L * INITIAL_TABLE_SIZE + Pages.ARRAY_OVERHEAD_BYTES);
    this.table = new int[INITIAL_TABLE_SIZE];
    this.mask = INITIAL_TABLE_SIZE - 1;
  }

  /** Makes room for the keys of slots in page {@code page}. */
  abstract void addPage(int page);

  /** The hash of the key stored at {@code slot}, to rehash without the original key. */
  abstract int storedHash(int slot);

  protected final void insert(int hash, int slot) {
    if (2L * (count + 1) > table.length) {
      grow();
    }
    int position = hash & mask;
    while (table[position] != 0) {
      position = (position + 1) & mask;
    }
    table[position] = slot + 1;
    count++;
  }

  /**
   * Takes the key of {@code slot} out of the table, which must hold it; the entries after it in its
   * probe run move back, so that every lookup still finds its key before an empty entry.
   */
  final void remove(int slot) {
    int empty = storedHash(slot) & mask;
    while (table[empty] != slot + 1) {
      empty = (empty + 1) & mask;
    }
    table[empty] = 0;
    count--;
    for (int position = (empty + 1) & mask;
        table[position] != 0;
        position = (position + 1) & mask) {
      int home = storedHash(table[position] - 1) & mask;
      // The entry may fill the hole unless its home lies after the hole, up to its position.
      if (((position - home) & mask) >= ((position - empty) & mask)) {
        table[empty] = table[position];
        table[position] = 0;
        empty = position;
      }
    }
  }

  private void grow() {
    int[] larger = new int[table.length * 2];
    memory.reserve(4L * larger.length);
    int largerMask = larger.length - 1;
    for (int entry : table) {
      if (entry != 0) {
        int position = storedHash(entry - 1) & largerMask;
        while (larger[position] != 0) {
          position = (position + 1) & largerMask;
        }
        larger[position] = entry;
      }
    }
    memory.release(4L * table.length);
    table = larger;
    mask = largerMask;
  }

  static int mix(long value) {
    long mixed = value * 0x9E3779B97F4A7C15L;
    return (int) (mixed ^ (mixed >>> 29) ^ (mixed >>> 47));
  }
}
