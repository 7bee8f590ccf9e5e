package dev.featurestore.core.online;

import java.util.Arrays;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;

/** STRING (UTF-8) and BYTES values in the index's arena; each slot keeps a reference and length. */
final class BytesColumn extends PagedColumn {
  enum Meaning {
    UTF8,
    BINARY
  }

  private final ByteArena arena;
  private final Meaning meaning;
  private long[][] references = new long[0][];
  private int[][] lengths = new int[0][];

  BytesColumn(MemoryAccount memory, ByteArena arena, Meaning meaning) {
    super(memory);
    this.arena = arena;
    this.meaning = meaning;
  }

  @Override
  void addValuePage(int page) {
    memory.reserve(12L * Pages.SIZE + 2 * Pages.ARRAY_OVERHEAD_BYTES);
    references = Arrays.copyOf(references, page + 1);
    references[page] = new long[Pages.SIZE];
    lengths = Arrays.copyOf(lengths, page + 1);
    lengths[page] = new int[Pages.SIZE];
  }

  @Override
  void setValue(FieldVector source, int row, int page, int offset) {
    BaseVariableWidthVector variable = (BaseVariableWidthVector) source;
    int length = variable.getValueLength(row);
    references[page][offset] =
        arena.append(variable.getDataBuffer(), variable.getStartOffset(row), length);
    lengths[page][offset] = length;
  }

  @Override
  void discard(int page, int offset) {
    arena.discard(lengths[page][offset]);
  }

  /**
   * Moves the present values of slots {@code from} to {@code to} (exclusive) that lie in chunks
   * numbered below {@code firstNewChunk} to the arena's newest chunks.
   */
  void moveValues(int from, int to, int firstNewChunk) {
    for (int slot = from; slot < to; slot++) {
      int page = Pages.page(slot);
      int offset = Pages.offset(slot);
      long reference = references[page][offset];
      if (isPresent(page, offset) && ByteArena.chunkNumber(reference) < firstNewChunk) {
        references[page][offset] = arena.move(reference, lengths[page][offset]);
      }
    }
  }

  @Override
  long touch(int slot) {
    return references[Pages.page(slot)][Pages.offset(slot)]
        ^ lengths[Pages.page(slot)][Pages.offset(slot)];
  }

  @Override
  void write(int slot, OnlineValueWriter out) {
    int page = Pages.page(slot);
    int offset = Pages.offset(slot);
    long reference = references[page][offset];
    if (meaning == Meaning.UTF8) {
      out.writeUtf8(arena.chunk(reference), ByteArena.offset(reference), lengths[page][offset]);
    } else {
      out.writeBinary(arena.chunk(reference), ByteArena.offset(reference), lengths[page][offset]);
    }
  }
}
