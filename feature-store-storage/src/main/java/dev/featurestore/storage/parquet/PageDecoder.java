package dev.featurestore.storage.parquet;

import dev.featurestore.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes a column chunk page by page into Arrow vectors, in bulk: definition levels a few thousand
 * at a time, plain fixed-width values copied straight into the Arrow buffer for each run of present
 * values, dictionary ids looked up in a decoded dictionary. This replaces parquet-java's per-value
 * {@code ColumnReader} (a level check, a getter and a {@code consume()} per value) for the
 * encodings our writer and most others use: PLAIN and dictionary values, RLE levels, data pages V1
 * and V2. A chunk using any other encoding (DELTA_*, BYTE_STREAM_SPLIT, RLE booleans) is read by
 * the {@link ColumnDecoder} this one works for, which also supplies the column's null rule and the
 * row names of errors, so both paths fail alike.
 */
abstract class PageDecoder {
  private static final Set<Encoding> VALUE_ENCODINGS =
      EnumSet.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
  private static final Set<Encoding> DICTIONARY_PAGE_ENCODINGS =
      EnumSet.of(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY);

  /** Levels decoded per step: bounds the buffers whatever a page claims to hold. */
  private static final int LEVELS_PER_STEP = 4_096;

  final ColumnDecoder rows;
  private final int maxDefinitionLevel;
  private final int maxRepetitionLevel;
  private final HybridDecoder definitionLevels = new HybridDecoder();
  private final HybridDecoder repetitionLevels = new HybridDecoder();
  private final HybridDecoder dictionaryIds = new HybridDecoder();
  private final int[] levels = new int[LEVELS_PER_STEP];
  private final int[] ids = new int[LEVELS_PER_STEP];

  private PageReader pages;
  private long chunkEntriesLeft;
  private boolean hasDictionary;
  private int dictionarySize;

  /** Level entries (values and nulls) of the current page not read yet. */
  int pageEntriesLeft;

  /** The current page's values, little-endian, positioned at the next plain value. */
  ByteBuffer values;

  private boolean dictionaryEncoded;

  PageDecoder(ColumnDecoder rows, ColumnDescriptor descriptor) {
    this.rows = rows;
    this.maxDefinitionLevel = descriptor.getMaxDefinitionLevel();
    this.maxRepetitionLevel = descriptor.getMaxRepetitionLevel();
  }

  /** The decoder for the column {@code rows} decodes, or null when none decodes it in bulk. */
  static PageDecoder of(ColumnDecoder rows, ColumnDescriptor descriptor) {
    if (rows instanceof ColumnDecoder.Longs) {
      return new FixedWidth(rows, descriptor, 8, 1, 1);
    } else if (rows instanceof ColumnDecoder.Timestamps times) {
      return new FixedWidth(rows, descriptor, 8, times.multiplier, times.divisor);
    } else if (rows instanceof ColumnDecoder.Doubles) {
      return new FixedWidth(rows, descriptor, 8, 1, 1);
    } else if (rows instanceof ColumnDecoder.Ints || rows instanceof ColumnDecoder.Floats) {
      return new FixedWidth(rows, descriptor, 4, 1, 1);
    } else if (rows instanceof ColumnDecoder.Booleans) {
      return new Booleans(rows, descriptor);
    } else if (rows instanceof ColumnDecoder.Strings || rows instanceof ColumnDecoder.Bytes) {
      return new VariableWidth(rows, descriptor);
    } else if (rows instanceof ColumnDecoder.FloatVectors vectors) {
      return new FloatVectors(vectors, descriptor);
    }
    return null;
  }

  /**
   * Whether the chunk's metadata promises only encodings decoded here. Without encoding stats, RLE
   * may be levels or boolean values, so a boolean chunk then takes the row path.
   */
  static boolean decodesInBulk(ColumnChunkMetaData chunk) {
    EncodingStats stats = chunk.getEncodingStats();
    if (stats != null) {
      return VALUE_ENCODINGS.containsAll(stats.getDataEncodings())
          && DICTIONARY_PAGE_ENCODINGS.containsAll(stats.getDictionaryEncodings());
    }
    Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
    encodings.addAll(chunk.getEncodings());
    if (chunk.getPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.BOOLEAN) {
      encodings.remove(Encoding.RLE); // levels
    }
    encodings.remove(Encoding.BIT_PACKED); // the levels of a column without any
    return VALUE_ENCODINGS.containsAll(encodings);
  }

  /** Starts the column chunk of the next row group. */
  final void startChunk(PageReader chunkPages) {
    this.pages = chunkPages;
    this.chunkEntriesLeft = chunkPages.getTotalValueCount();
    this.pageEntriesLeft = 0;
    DictionaryPage dictionary = chunkPages.readDictionaryPage();
    hasDictionary = dictionary != null;
    if (hasDictionary) {
      if (!DICTIONARY_PAGE_ENCODINGS.contains(dictionary.getEncoding())) {
        throw unexpected("dictionary page encoding " + dictionary.getEncoding());
      }
      dictionarySize = dictionary.getDictionarySize();
      if (dictionarySize < 0) {
        throw new ParquetDecodingException(rows.column + ": negative dictionary size");
      }
      loadDictionary(littleEndian(dictionary.getBytes()), dictionarySize);
    }
    chunkStarted();
  }

  /** Allocates {@code vector} for {@code rowCount} rows, before {@link #decode}. */
  void allocate(FieldVector vector, int rowCount) {
    vector.setInitialCapacity(rowCount);
    vector.allocateNew();
  }

  /** Fills rows {@code 0..rowCount-1} of a vector just {@link #allocate allocated}. */
  void decode(FieldVector vector, int rowCount) {
    int row = 0;
    while (row < rowCount) {
      if (pageEntriesLeft == 0) {
        nextPage();
        continue;
      }
      int step = Math.min(Math.min(rowCount - row, pageEntriesLeft), LEVELS_PER_STEP);
      if (maxDefinitionLevel == 0) {
        copyPresent(vector, row, step);
        setValid(vector.getValidityBuffer(), row, step);
      } else {
        definitionLevels.read(levels, 0, step);
        int index = 0;
        while (index < step) {
          int start = index;
          while (index < step && levels[index] == maxDefinitionLevel) {
            index++;
          }
          if (index > start) {
            copyPresent(vector, row + start, index - start);
            // fetched again: a variable-width vector's setSafe may have replaced its buffers
            setValid(vector.getValidityBuffer(), row + start, index - start);
          }
          if (index < step) {
            if (!rows.nullable) {
              throw new InvalidInputException(rows.at(row + index), "must not be null");
            }
            clearNull(vector, row + index);
            index++;
          }
        }
      }
      pageEntriesLeft -= step;
      row += step;
    }
  }

  /** Copies the next {@code count} present values into rows {@code row..row+count-1}. */
  private void copyPresent(FieldVector vector, int row, int count) {
    if (dictionaryEncoded) {
      dictionaryIds.read(ids, 0, count);
      for (int i = 0; i < count; i++) {
        if (ids[i] < 0 || ids[i] >= dictionarySize) {
          throw new ParquetDecodingException(
              rows.column + ": dictionary id " + ids[i] + " out of " + dictionarySize);
        }
      }
      copyFromDictionary(vector, row, ids, count);
    } else {
      copyPlain(vector, row, count);
    }
  }

  abstract void loadDictionary(ByteBuffer plain, int size);

  /** Called for each null row; its validity bit is already clear. */
  void clearNull(FieldVector vector, int row) {}

  /** Copies {@code count} plain values from {@link #values} into consecutive rows. */
  abstract void copyPlain(FieldVector vector, int row, int count);

  abstract void copyFromDictionary(FieldVector vector, int row, int[] dictionaryIds, int count);

  /** Called when a page of plain values starts. */
  void startPlainPage() {}

  /** Called when a column chunk starts. */
  void chunkStarted() {}

  /** Reads the next data page's levels and positions its values. */
  final void nextPage() {
    DataPage page = pages.readPage();
    if (page == null || chunkEntriesLeft <= 0) {
      throw new ParquetDecodingException(rows.column + ": column chunk ends before its rows do");
    }
    int entries = page.getValueCount();
    if (entries < 0 || entries > chunkEntriesLeft) {
      throw new ParquetDecodingException(
          rows.column + ": page of " + entries + " values in a chunk with " + chunkEntriesLeft);
    }
    chunkEntriesLeft -= entries;
    pageEntriesLeft = entries;
    Encoding valueEncoding;
    if (page instanceof DataPageV1 v1) {
      ByteBuffer bytes = littleEndian(v1.getBytes());
      if (maxRepetitionLevel > 0) {
        requireRle(v1.getRlEncoding());
        repetitionLevels.start(lengthPrefixed(bytes), HybridDecoder.bitWidth(maxRepetitionLevel));
      }
      if (maxDefinitionLevel > 0) {
        requireRle(v1.getDlEncoding());
        definitionLevels.start(lengthPrefixed(bytes), HybridDecoder.bitWidth(maxDefinitionLevel));
      }
      values = bytes;
      valueEncoding = v1.getValueEncoding();
    } else if (page instanceof DataPageV2 v2) {
      repetitionLevels.start(
          littleEndian(v2.getRepetitionLevels()), HybridDecoder.bitWidth(maxRepetitionLevel));
      definitionLevels.start(
          littleEndian(v2.getDefinitionLevels()), HybridDecoder.bitWidth(maxDefinitionLevel));
      values = littleEndian(v2.getData());
      valueEncoding = v2.getDataEncoding();
    } else {
      throw unexpected("page kind " + page.getClass().getSimpleName());
    }
    if (valueEncoding == Encoding.PLAIN) {
      dictionaryEncoded = false;
      startPlainPage();
    } else if (valueEncoding == Encoding.PLAIN_DICTIONARY
        || valueEncoding == Encoding.RLE_DICTIONARY) {
      if (!hasDictionary) {
        throw new ParquetDecodingException(rows.column + ": dictionary page missing");
      }
      dictionaryEncoded = true;
      dictionaryIds.start(values, values.get() & 0xFF);
    } else {
      throw unexpected("value encoding " + valueEncoding);
    }
  }

  /** The next definition level (values and nulls alike); for nested columns. */
  final int nextDefinitionLevel() {
    definitionLevels.read(levels, 0, 1);
    return levels[0];
  }

  /** The next repetition level; for nested columns. */
  final int nextRepetitionLevel() {
    repetitionLevels.read(levels, 0, 1);
    return levels[0];
  }

  /** Whether every entry of the chunk was read. */
  final boolean chunkEnded() {
    return pageEntriesLeft == 0 && chunkEntriesLeft == 0;
  }

  final boolean dictionaryEncoded() {
    return dictionaryEncoded;
  }

  /** The next dictionary id of a present value, checked against the dictionary's size. */
  final int nextDictionaryId() {
    dictionaryIds.read(ids, 0, 1);
    int id = ids[0];
    if (id < 0 || id >= dictionarySize) {
      throw new ParquetDecodingException(
          rows.column + ": dictionary id " + id + " out of " + dictionarySize);
    }
    return id;
  }

  private void requireRle(Encoding levelEncoding) {
    if (levelEncoding != Encoding.RLE) {
      throw unexpected("level encoding " + levelEncoding);
    }
  }

  /** A page whose encodings its chunk's metadata did not list: the file contradicts itself. */
  private ParquetDecodingException unexpected(String what) {
    return new ParquetDecodingException(
        rows.column + ": " + what + " is not among the encodings its column chunk lists");
  }

  /** V1 levels: a 4-byte length, then that many bytes; {@code bytes} moves past them. */
  private static ByteBuffer lengthPrefixed(ByteBuffer bytes) {
    int length = bytes.getInt();
    if (length < 0 || length > bytes.remaining()) {
      throw new ParquetDecodingException("levels of " + length + " bytes overrun their page");
    }
    ByteBuffer levels = bytes.slice(bytes.position(), length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.position(bytes.position() + length);
    return levels;
  }

  static ByteBuffer littleEndian(BytesInput bytes) {
    try {
      return bytes.toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the validity bits of rows {@code from..from+count-1}, whole bytes at a time. */
  static void setValid(ArrowBuf validity, int from, int count) {
    int row = from;
    int end = from + count;
    while (row < end && (row & 7) != 0) {
      BitVectorHelper.setBit(validity, row++);
    }
    int wholeBytes = (end - row) >>> 3;
    if (wholeBytes > 0) {
      validity.setOne((long) (row >>> 3), wholeBytes);
      row += wholeBytes << 3;
    }
    while (row < end) {
      BitVectorHelper.setBit(validity, row++);
    }
  }

  final ParquetDecodingException truncated() {
    return new ParquetDecodingException(rows.column + ": page holds fewer values than its levels");
  }

  /** INT32, INT64, FLOAT, DOUBLE; INT64 timestamps scaled to microseconds. */
  static final class FixedWidth extends PageDecoder {
    private final int width;
    private final long multiplier;
    private final long divisor;
    private long[] dictionary = new long[0];

    FixedWidth(
        ColumnDecoder rows, ColumnDescriptor descriptor, int width, long multiplier, long divisor) {
      super(rows, descriptor);
      this.width = width;
      this.multiplier = multiplier;
      this.divisor = divisor;
    }

    /**
     * Only the validity is zeroed: {@link #decode} writes every row's data, a null row's as zero.
     * Arrow's {@code allocateNew} zeroes the data as well, a second pass over every decoded byte.
     */
    @Override
    void allocate(FieldVector vector, int rowCount) {
      BufferAllocator allocator = vector.getAllocator();
      try (ArrowBuf validity = allocator.buffer(BitVectorHelper.getValidityBufferSize(rowCount));
          ArrowBuf data = allocator.buffer((long) rowCount * width)) {
        validity.setZero(0, validity.capacity());
        vector.loadFieldBuffers(new ArrowFieldNode(rowCount, 0), List.of(validity, data));
      }
    }

    @Override
    void clearNull(FieldVector vector, int row) {
      vector.getDataBuffer().setZero((long) row * width, width);
    }

    @Override
    void loadDictionary(ByteBuffer plain, int size) {
      if ((long) size * width > plain.remaining()) {
        throw new ParquetDecodingException(rows.column + ": dictionary page too short");
      }
      dictionary = new long[size];
      for (int i = 0; i < size; i++) {
        dictionary[i] = width == 8 ? plain.getLong() : plain.getInt();
      }
    }

    @Override
    void copyPlain(FieldVector vector, int row, int count) {
      int bytes = count * width;
      if (values.remaining() < bytes) {
        throw truncated();
      }
      ArrowBuf data = vector.getDataBuffer();
      int start = values.position();
      data.setBytes((long) row * width, values, start, bytes); // may move the position: set below
      values.position(start + bytes);
      scale(data, row, count);
    }

    @Override
    void copyFromDictionary(FieldVector vector, int row, int[] dictionaryIds, int count) {
      ArrowBuf data = vector.getDataBuffer();
      if (width == 8) {
        for (int i = 0; i < count; i++) {
          data.setLong((long) (row + i) * 8, dictionary[dictionaryIds[i]]);
        }
      } else {
        for (int i = 0; i < count; i++) {
          data.setInt((long) (row + i) * 4, (int) dictionary[dictionaryIds[i]]);
        }
      }
      scale(data, row, count);
    }

    private void scale(ArrowBuf data, int row, int count) {
      if (multiplier == 1 && divisor == 1) {
        return;
      }
      for (long at = (long) row * 8; at < (long) (row + count) * 8; at += 8) {
        long value = data.getLong(at);
        data.setLong(
            at,
            divisor == 1 ? Math.multiplyExact(value, multiplier) : Math.floorDiv(value, divisor));
      }
    }
  }

  /** PLAIN booleans: one bit each, least significant first, as Arrow's own bits. */
  static final class Booleans extends PageDecoder {
    private long bit;

    Booleans(ColumnDecoder rows, ColumnDescriptor descriptor) {
      super(rows, descriptor);
    }

    @Override
    void startPlainPage() {
      bit = 0;
    }

    @Override
    void loadDictionary(ByteBuffer plain, int size) {
      throw new ParquetDecodingException(rows.column + ": booleans have no dictionary");
    }

    @Override
    void copyPlain(FieldVector vector, int row, int count) {
      if ((bit + count + 7) >>> 3 > values.remaining()) {
        throw truncated();
      }
      ArrowBuf data = vector.getDataBuffer();
      int base = values.position();
      for (int i = 0; i < count; i++, bit++) {
        int value = (values.get(base + (int) (bit >>> 3)) >>> (bit & 7)) & 1;
        BitVectorHelper.setValidityBit(data, row + i, value);
      }
    }

    @Override
    void copyFromDictionary(FieldVector vector, int row, int[] dictionaryIds, int count) {
      throw new ParquetDecodingException(rows.column + ": booleans have no dictionary");
    }
  }

  /** BINARY as strings or bytes: PLAIN is a 4-byte length, then the bytes. */
  static final class VariableWidth extends PageDecoder {
    private byte[] dictionaryBytes = new byte[0];
    private int[] dictionaryOffsets = new int[1];

    VariableWidth(ColumnDecoder rows, ColumnDescriptor descriptor) {
      super(rows, descriptor);
    }

    @Override
    void loadDictionary(ByteBuffer plain, int size) {
      if ((long) size * 4 > plain.remaining()) {
        throw new ParquetDecodingException(rows.column + ": dictionary page too short");
      }
      dictionaryOffsets = new int[size + 1];
      dictionaryBytes = new byte[plain.remaining() - size * 4];
      int end = 0;
      for (int i = 0; i < size; i++) {
        int length = plain.getInt();
        if (length < 0 || length > plain.remaining() || length > dictionaryBytes.length - end) {
          throw new ParquetDecodingException(rows.column + ": dictionary page too short");
        }
        plain.get(dictionaryBytes, end, length);
        end += length;
        dictionaryOffsets[i + 1] = end;
      }
    }

    @Override
    void copyPlain(FieldVector vector, int row, int count) {
      BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
      for (int i = 0; i < count; i++) {
        int length = values.getInt();
        if (length < 0 || length > values.remaining()) {
          throw new ParquetDecodingException(rows.column + ": value overruns its page");
        }
        rows.countValue(row + i, length);
        target.setSafe(row + i, values, values.position(), length);
        values.position(values.position() + length);
      }
    }

    @Override
    void copyFromDictionary(FieldVector vector, int row, int[] dictionaryIds, int count) {
      BaseVariableWidthVector target = (BaseVariableWidthVector) vector;
      for (int i = 0; i < count; i++) {
        int start = dictionaryOffsets[dictionaryIds[i]];
        int length = dictionaryOffsets[dictionaryIds[i] + 1] - start;
        // a dictionary makes a bomb: one long value repeated by ids of a few bits each
        rows.countValue(row + i, length);
        target.setSafe(row + i, dictionaryBytes, start, length);
      }
    }
  }

  /**
   * A three-level LIST of FLOAT into a fixed-size list, level by level with the same checks (and
   * messages) as {@link ColumnDecoder.FloatVectors}; elements are copied as they come.
   */
  static final class FloatVectors extends PageDecoder {
    private final ColumnDecoder.FloatVectors rowPath;
    private final int maxDefinition;
    private float[] dictionary = new float[0];

    /** Whether the levels of the entry the reader is at are read: a row's end reads one ahead. */
    private boolean levelsRead;

    private int definitionLevel;
    private int repetitionLevel;

    FloatVectors(ColumnDecoder.FloatVectors rows, ColumnDescriptor descriptor) {
      super(rows, descriptor);
      this.rowPath = rows;
      this.maxDefinition = descriptor.getMaxDefinitionLevel();
    }

    @Override
    void loadDictionary(ByteBuffer plain, int size) {
      if ((long) size * 4 > plain.remaining()) {
        throw new ParquetDecodingException(rows.column + ": dictionary page too short");
      }
      dictionary = new float[size];
      for (int i = 0; i < size; i++) {
        dictionary[i] = plain.getFloat();
      }
    }

    @Override
    void copyPlain(FieldVector vector, int row, int count) {
      throw new UnsupportedOperationException("vectors are read entry by entry");
    }

    @Override
    void copyFromDictionary(FieldVector vector, int row, int[] dictionaryIds, int count) {
      throw new UnsupportedOperationException("vectors are read entry by entry");
    }

    @Override
    void decode(FieldVector vector, int rowCount) {
      FixedSizeListVector lists = (FixedSizeListVector) vector;
      FieldVector elements = lists.getDataVector();
      ArrowBuf data = elements.getDataBuffer();
      int dimension = rowPath.dimension;
      int listPresentLevel = rowPath.listPresentLevel;
      for (int row = 0; row < rowCount; row++) {
        readLevels();
        if (definitionLevel < listPresentLevel) {
          if (!rows.nullable) {
            throw new InvalidInputException(rows.at(row), "must not be null");
          }
          consume();
          continue;
        }
        int count = 0;
        int first = row * dimension;
        do {
          readLevels();
          if (definitionLevel == listPresentLevel) {
            break; // an empty list: one entry, no element
          }
          if (definitionLevel != maxDefinition) {
            throw new InvalidInputException(rows.at(row), "has a null vector element");
          }
          if (count == dimension) {
            throw rowPath.wrongDimension(row, count + 1);
          }
          data.setFloat((long) (first + count) * 4, nextFloat());
          count++;
          consume();
        } while (nextRepetition() > 0);
        if (count == 0) {
          consume();
        }
        if (count != dimension) {
          throw rowPath.wrongDimension(row, count);
        }
        setValid(elements.getValidityBuffer(), first, dimension);
        lists.setNotNull(row);
      }
    }

    @Override
    void chunkStarted() {
      levelsRead = false;
    }

    /** Reads the current entry's levels unless already read. */
    private void readLevels() {
      if (levelsRead) {
        return;
      }
      while (pageEntriesLeft == 0) {
        nextPage();
      }
      repetitionLevel = nextRepetitionLevel();
      definitionLevel = nextDefinitionLevel();
      levelsRead = true;
    }

    private void consume() {
      levelsRead = false;
      pageEntriesLeft--;
    }

    /** The next entry's repetition level, or 0 at the end of the chunk (the row ends). */
    private int nextRepetition() {
      if (chunkEnded()) {
        return 0;
      }
      readLevels();
      return repetitionLevel;
    }

    private float nextFloat() {
      if (dictionaryEncoded()) {
        return dictionary[nextDictionaryId()];
      }
      if (values.remaining() < 4) {
        throw new ParquetDecodingException(rows.column + ": page holds fewer values than levels");
      }
      return values.getFloat();
    }
  }
}
