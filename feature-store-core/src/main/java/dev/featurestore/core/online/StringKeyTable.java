package dev.featurestore.core.online;

import java.util.Arrays;

/**
 * Keys of STRING entities as UTF-8 bytes in an arena; each slot keeps the key's arena reference,
 * length and hash (so that growing the table never rereads the bytes).
 */
final class StringKeyTable extends KeyTable {
  private final ByteArena arena;
  private long[][] references = new long[0][];
  private int[][] lengths = new int[0][];
  private int[][] hashes = new int[0][];

  StringKeyTable(MemoryAccount memory) {
    super(memory);
    this.arena = new ByteArena(memory);
  }

  @Override
  void addPage(int page) {
    memory.reserve(16L * Pages.SIZE + 3 * Pages.ARRAY_OVERHEAD_BYTES);
    references = Arrays.copyOf(references, page + 1);
    references[page] = new long[Pages.SIZE];
    lengths = Arrays.copyOf(lengths, page + 1);
    lengths[page] = new int[Pages.SIZE];
    hashes = Arrays.copyOf(hashes, page + 1);
    hashes[page] = new int[Pages.SIZE];
  }

  @Override
  int storedHash(int slot) {
    return hashes[Pages.page(slot)][Pages.offset(slot)];
  }

  static int hash(byte[] utf8, int length) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < length; i++) {
      hash = (hash ^ utf8[i]) * 0x100000001b3L;
    }
    return mix(hash);
  }

  int find(byte[] utf8, int length, int hash) {
    int position = hash & mask;
    while (true) {
      int entry = table[position];
      if (entry == 0) {
        return -1;
      }
      int slot = entry - 1;
      int page = Pages.page(slot);
      int offset = Pages.offset(slot);
      if (hashes[page][offset] == hash && lengths[page][offset] == length) {
        long reference = references[page][offset];
        int start = ByteArena.offset(reference);
        if (Arrays.equals(arena.chunk(reference), start, start + length, utf8, 0, length)) {
          return slot;
        }
      }
      position = (position + 1) & mask;
    }
  }

  /** Adds a key known to be absent; its page must exist. */
  void add(byte[] utf8, int length, int hash, int slot) {
    int page = Pages.page(slot);
    int offset = Pages.offset(slot);
    references[page][offset] = arena.append(utf8, length);
    lengths[page][offset] = length;
    hashes[page][offset] = hash;
    insert(hash, slot);
  }
}
