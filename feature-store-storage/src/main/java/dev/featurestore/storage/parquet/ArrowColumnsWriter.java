package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ingest.ParallelPair;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes Arrow batches to one Parquet file column by column, straight into parquet-java's column
 * writers: one tight loop per column and batch slice, instead of the record API's per-value field
 * bookkeeping and dispatch. Both our file kinds (feature files, training-set outputs) use it, with
 * the same encodings: dictionaries for keys, times and strings, none for measurements (floats,
 * vector elements) or for {@code columnsWithoutDictionary}, where they are wasted work.
 *
 * <p>Where row groups end is the caller's choice ({@link RowGroups}): near a size, checked on the
 * same schedule as parquet-java's record writer and encoded on the caller's thread (feature files);
 * or after whole batches of a row count, encoded on background threads while the caller produces
 * the next batches, then appended in order (training-set outputs: on two cores, encoding and
 * compressing was a fifth of a join's time). Either way the same batches give the same bytes. Rows
 * are handed to the column writers in slices of at most {@link #SLICE_ROWS}, so pages keep close to
 * parquet-java's page size and row-count limits.
 */
final class ArrowColumnsWriter implements AutoCloseable {
  /** Rows written to every column before the writers see the rows end. */
  private static final int SLICE_ROWS = 1_024;

  /** Where row groups end, and on which threads they are encoded. */
  sealed interface RowGroups {
    /**
     * Near this many buffered bytes; encoded on the caller's thread, half of the columns on a
     * thread of {@code helpers} when one is free ({@link ParallelPair}).
     */
    record BySize(long bytes, Executor helpers) implements RowGroups {
      public BySize {
        requireNonNull(helpers, "helpers is null");
      }

      /** Every column on the caller's thread. */
      public BySize(long bytes) {
        this(bytes, Runnable::run);
      }
    }

    /**
     * After the batch that brings a group to at least {@code rows} rows; the writer takes the
     * batches over (their vectors transferred) and encodes each group on {@code encoders}, a pool
     * shared with other work, with at most {@code inFlight} groups of this file waiting there.
     */
    record ByBatches(int rows, ExecutorService encoders, int inFlight) implements RowGroups {
      public ByBatches {
        requireNonNull(encoders, "encoders is null");
        if (rows < 1 || inFlight < 1) {
          throw new IllegalArgumentException("rows and inFlight must be positive");
        }
      }
    }
  }

  private final MessageType schema;
  private final List<ColumnDescriptor> columns;
  private final ParquetProperties properties;
  private final ParquetCompression compression;
  private final ParquetFileWriter fileWriter;
  private final Map<String, String> footerMetadata;
  private final RowGroups rowGroups;
  private boolean closed;

  // RowGroups.BySize: the group being written on the caller's thread.
  private RowGroup current;
  private long rowsAtNextSizeCheck;

  // RowGroups.ByBatches: batches taken over for the next group, and groups being encoded, in order.
  private final ExecutorService encoders;
  private final List<VectorSchemaRoot> takenOver = new ArrayList<>();
  private long takenOverRows;
  private final Deque<Future<RowGroup>> encoding = new ArrayDeque<>();
  private BufferAllocator takeOverAllocator;

  ArrowColumnsWriter(
      OutputFile output,
      MessageType schema,
      Schema arrowSchema,
      ParquetCompression compression,
      RowGroups rowGroups,
      Set<String> columnsWithoutDictionary,
      Map<String, String> footerMetadata)
      throws IOException {
    this.schema = schema;
    this.footerMetadata = Map.copyOf(footerMetadata);
    this.columns = schema.getColumns();
    this.compression = requireNonNull(compression, "compression is null");
    this.rowGroups = rowGroups;
    ParquetProperties.Builder builder =
        ParquetProperties.builder()
            .withAllocator(ParquetBufferPool.SHARED) // page buffers, kept for the next row groups
            .withDictionaryEncoding(true);
    for (String column : columnsWithoutDictionary) {
      builder.withDictionaryEncoding(column, false);
    }
    for (Field field : arrowSchema.getFields()) {
      if (field.getType() instanceof ArrowType.FixedSizeList) {
        String elementPath =
            field.getName()
                + "."
                + StoredRowParquetSchema.LIST_GROUP
                + "."
                + StoredRowParquetSchema.LIST_ELEMENT;
        builder
            .withDictionaryEncoding(elementPath, false)
            .withStatisticsEnabled(elementPath, false);
      } else if (field.getType() instanceof ArrowType.FloatingPoint) {
        builder.withDictionaryEncoding(field.getName(), false);
      }
    }
    this.properties = builder.build();
    long rowGroupBytes =
        rowGroups instanceof RowGroups.BySize bySize
            ? bySize.bytes()
            : ParquetWriter.DEFAULT_BLOCK_SIZE;
    ParquetFileWriter writer =
        new ParquetFileWriter(
            output,
            schema,
            ParquetFileWriter.Mode.OVERWRITE,
            rowGroupBytes,
            ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
            null,
            properties);
    try {
      writer.start();
    } catch (IOException | RuntimeException e) {
      writer.abort();
      throw e;
    }
    this.fileWriter = writer;
    this.encoders =
        rowGroups instanceof RowGroups.ByBatches byBatches ? byBatches.encoders() : null;
  }

  /** Appends the batch's rows; its vectors match the file's columns in order. */
  void write(VectorSchemaRoot batch) throws IOException {
    if (closed) {
      throw new IllegalStateException("the writer is already finished");
    }
    if (batch.getRowCount() == 0) {
      return;
    }
    if (rowGroups instanceof RowGroups.ByBatches byBatches) {
      takeOver(batch);
      if (takenOverRows >= byBatches.rows()) {
        startEncoding();
        while (encoding.size() > byBatches.inFlight()) {
          append(encoding.removeFirst());
        }
      }
    } else {
      writeBySize(batch);
    }
  }

  private void writeBySize(VectorSchemaRoot batch) throws IOException {
    ColumnValues[] values = null; // the batch's vectors, bound to the current group's writers
    int rows = batch.getRowCount();
    int from = 0;
    while (from < rows) {
      if (current == null) {
        current = new RowGroup();
        rowsAtNextSizeCheck = properties.getMinRowCountForPageSizeCheck();
        values = null;
      }
      if (values == null) {
        values = current.bind(batch.getFieldVectors());
      }
      long untilCheck = Math.max(1, rowsAtNextSizeCheck - current.rows);
      int to = (int) Math.min(rows, from + untilCheck);
      current.write(values, from, to, ((RowGroups.BySize) rowGroups).helpers());
      from = to;
      if (current.rows >= rowsAtNextSizeCheck) {
        closeGroupNearSize();
      }
    }
  }

  /**
   * As parquet-java's record writer: appends the group when within ~2 rows of the size, else
   * schedules the next check.
   */
  private void closeGroupNearSize() throws IOException {
    long rowGroupBytes = ((RowGroups.BySize) rowGroups).bytes();
    long buffered = current.bufferedSize();
    long rowBytes = buffered / current.rows;
    if (buffered > rowGroupBytes - 2 * rowBytes) {
      RowGroup full = current;
      current = null;
      try (full) {
        full.finishPages();
        full.appendTo(fileWriter);
      }
      return;
    }
    rowsAtNextSizeCheck =
        Math.min(
            Math.max(
                properties.getMinRowCountForPageSizeCheck(),
                (current.rows + rowGroupBytes / Math.max(1, rowBytes)) / 2),
            current.rows + properties.getMaxRowCountForPageSizeCheck());
  }

  private void takeOver(VectorSchemaRoot batch) {
    if (takeOverAllocator == null) {
      // A child of the batches' root: their own allocator (the join's) may close before we finish.
      takeOverAllocator =
          batch
              .getFieldVectors()
              .getFirst()
              .getAllocator()
              .getRoot()
              .newChildAllocator("parquet-row-groups", 0, Long.MAX_VALUE);
    }
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector vector : batch.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(takeOverAllocator);
      transfer.transfer();
      vectors.add((FieldVector) transfer.getTo());
    }
    takenOver.add(
        new VectorSchemaRoot(batch.getSchema().getFields(), vectors, batch.getRowCount()));
    takenOverRows += batch.getRowCount();
  }

  private void startEncoding() {
    List<VectorSchemaRoot> batches = List.copyOf(takenOver);
    takenOver.clear();
    takenOverRows = 0;
    encoding.addLast(encoders.submit(() -> encode(batches)));
  }

  private RowGroup encode(List<VectorSchemaRoot> batches) {
    RowGroup group = new RowGroup();
    try {
      for (VectorSchemaRoot batch : batches) {
        group.write(group.bind(batch.getFieldVectors()), 0, batch.getRowCount(), Runnable::run);
      }
      group.finishPages();
      return group;
    } catch (RuntimeException | Error e) {
      group.close();
      throw e;
    } finally {
      batches.forEach(VectorSchemaRoot::close);
    }
  }

  private void append(Future<RowGroup> encoded) throws IOException {
    RowGroup group;
    try {
      group = encoded.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while encoding a row group");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      } else if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IOException(e.getCause());
    }
    try (group) {
      group.appendTo(fileWriter);
    }
  }

  /** Writes the last row groups and the footer. */
  void finish() throws IOException {
    closed = true;
    try {
      if (current != null) {
        RowGroup last = current;
        current = null;
        try (last) {
          last.finishPages();
          last.appendTo(fileWriter);
        }
      }
      if (!takenOver.isEmpty()) {
        startEncoding();
      }
      while (!encoding.isEmpty()) {
        append(encoding.removeFirst());
      }
      fileWriter.end(footerMetadata);
    } catch (IOException | RuntimeException e) {
      fileWriter.abort();
      throw e;
    } finally {
      release();
    }
  }

  /** Abandons an unfinished file; the caller deletes it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      fileWriter.abort();
    } finally {
      release();
    }
  }

  /** Frees every group and batch not written, whether finished or abandoned. */
  private void release() {
    try (BufferAllocator allocator = takeOverAllocator) {
      if (current != null) {
        current.close();
        current = null;
      }
      takenOver.forEach(VectorSchemaRoot::close);
      takenOver.clear();
      if (encoders != null) {
        // Queued encodings still run on the shared pool: wait for each, so that it frees its
        // batches.
        for (Future<RowGroup> pending : encoding) {
          try {
            pending.get().close();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (ExecutionException e) {
            // Its failure was reported by append, or the file is abandoned anyway.
          }
        }
        encoding.clear();
      }
    }
  }

  /**
   * One row group's column writers and the pages they buffered, before they go to the file. The
   * columns are split in two {@link ColumnPart}s (alternate columns) that can be encoded at once;
   * each part has its own compressor, and groups may be encoded on different threads. The split is
   * the same whichever thread encodes a part, so the same batches give the same bytes.
   */
  private final class RowGroup implements AutoCloseable {
    private final ColumnChunkPageWriteStore pageStore;
    private final ColumnPart[] parts = new ColumnPart[2];
    private long rows;

    RowGroup() {
      List<List<Type>> fields = List.of(new ArrayList<>(), new ArrayList<>());
      for (int index = 0; index < schema.getFieldCount(); index++) {
        fields.get(index % 2).add(schema.getType(index));
      }
      CodecFactory[] codecs = new CodecFactory[parts.length];
      BytesInputCompressor[] compressors = new BytesInputCompressor[parts.length];
      for (int part = 0; part < parts.length; part++) {
        codecs[part] =
            new CodecFactory(new PlainParquetConfiguration(), properties.getPageSizeThreshold());
        compressors[part] = compression.compressor(codecs[part]);
      }
      // Top-level fields and leaf columns match one to one (a vector's LIST has one leaf).
      pageStore =
          ColumnChunkPageWriteStore.builder()
              .withSchema(schema)
              .withAllocator(properties.getAllocator())
              .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
              .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
              .withCompressorProvider(
                  column -> compressors[schema.getFieldIndex(column.getPath()[0]) % 2])
              .build();
      for (int part = 0; part < parts.length; part++) {
        MessageType partSchema = new MessageType(schema.getName(), fields.get(part));
        parts[part] =
            new ColumnPart(
                part,
                properties.newColumnWriteStore(partSchema, pageStore, pageStore),
                codecs[part]);
      }
    }

    /** The batch's vectors, bound to this group's column writers. */
    ColumnValues[] bind(List<FieldVector> vectors) {
      ColumnValues[] values = new ColumnValues[vectors.size()];
      for (int index = 0; index < values.length; index++) {
        values[index] =
            columnValues(vectors.get(index), columns.get(index), parts[index % 2].columnStore);
      }
      return values;
    }

    /** Writes rows {@code from..to - 1}: one part on a thread of {@code helpers} when free. */
    void write(ColumnValues[] values, int from, int to, Executor helpers) {
      ParallelPair.run(
          helpers, () -> parts[1].write(values, from, to), () -> parts[0].write(values, from, to));
      rows += to - from;
    }

    long bufferedSize() {
      long bytes = 0;
      for (ColumnPart part : parts) {
        bytes += part.columnStore.getBufferedSize();
      }
      return bytes;
    }

    /** Encodes and compresses the pages still open. */
    void finishPages() {
      for (ColumnPart part : parts) {
        part.columnStore.flush();
      }
    }

    void appendTo(ParquetFileWriter file) throws IOException {
      file.startBlock(rows);
      pageStore.flushToFileWriter(file);
      file.endBlock();
    }

    @Override
    public void close() {
      try {
        for (ColumnPart part : parts) {
          part.columnStore.close();
        }
        pageStore.close();
      } finally {
        for (ColumnPart part : parts) {
          part.codecs.release();
        }
      }
    }

    private ColumnValues columnValues(
        FieldVector vector, ColumnDescriptor column, ColumnWriteStore columnStore) {
      ColumnWriter writer = columnStore.getColumnWriter(column);
      int present = column.getMaxDefinitionLevel();
      boolean nullable = vector.getField().isNullable() && vector.getNullCount() > 0;
      if (vector instanceof FixedSizeListVector lists) {
        return floatLists(lists, writer, nullable, present);
      }
      ArrowBuf data = vector.getDataBuffer();
      return switch (vector.getMinorType()) {
        case VARCHAR, VARBINARY -> {
          BaseVariableWidthVector strings = (BaseVariableWidthVector) vector;
          ArrowBuf offsets = strings.getOffsetBuffer();
          yield new ColumnValues(vector, writer, nullable) {
            private byte[] scratch = new byte[256];

            /** Parquet copies a reused binary wherever it keeps one (dictionary, statistics). */
            @Override
            void writePresent(int row) {
              int start = offsets.getInt((long) row * 4);
              int length = offsets.getInt((long) row * 4 + 4) - start;
              if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
              }
              data.getBytes(start, scratch, 0, length);
              writer.write(Binary.fromReusedByteArray(scratch, 0, length), 0, present);
            }
          };
        }
        case BIGINT, TIMESTAMPMICROTZ ->
            new ColumnValues(vector, writer, nullable) {
              @Override
              void writePresent(int row) {
                writer.write(data.getLong((long) row * 8), 0, present);
              }
            };
        case INT ->
            new ColumnValues(vector, writer, nullable) {
              @Override
              void writePresent(int row) {
                writer.write(data.getInt((long) row * 4), 0, present);
              }
            };
        case BIT ->
            new ColumnValues(vector, writer, nullable) {
              @Override
              void writePresent(int row) {
                writer.write(BitVectorHelper.get(data, row) != 0, 0, present);
              }
            };
        case FLOAT4 ->
            new ColumnValues(vector, writer, nullable) {
              @Override
              void writePresent(int row) {
                writer.write(data.getFloat((long) row * 4), 0, present);
              }
            };
        case FLOAT8 ->
            new ColumnValues(vector, writer, nullable) {
              @Override
              void writePresent(int row) {
                writer.write(data.getDouble((long) row * 8), 0, present);
              }
            };
        default ->
            throw new IllegalArgumentException(
                "column " + vector.getName() + " has an unsupported vector " + vector.getClass());
      };
    }
  }

  /**
   * Half of a row group's columns, with their own column write store (over those columns only, so
   * its page-size checks and record ends touch no other thread's writers) and compressor.
   */
  private record ColumnPart(int first, ColumnWriteStore columnStore, CodecFactory codecs) {
    /** Writes the part's columns of rows {@code from..to - 1}, a slice at a time. */
    void write(ColumnValues[] values, int from, int to) {
      for (int sliceStart = from; sliceStart < to; sliceStart += SLICE_ROWS) {
        int sliceEnd = Math.min(to, sliceStart + SLICE_ROWS);
        for (int index = first; index < values.length; index += 2) {
          values[index].write(sliceStart, sliceEnd);
        }
        for (int row = sliceStart; row < sliceEnd; row++) {
          columnStore.endRecord();
        }
      }
    }
  }

  /**
   * The standard three-level LIST: group (LIST) { repeated group list { required float element } }.
   * The first element of a row starts the record (repetition level 0), the others repeat the list.
   */
  private static ColumnValues floatLists(
      FixedSizeListVector lists, ColumnWriter writer, boolean nullable, int present) {
    int dimension = lists.getListSize();
    ArrowBuf elements = lists.getDataVector().getDataBuffer();
    return new ColumnValues(lists, writer, nullable) {
      @Override
      void writePresent(int row) {
        if (dimension == 0) {
          writer.writeNull(0, present - 1); // the list is there, without elements
          return;
        }
        long first = (long) row * dimension;
        writer.write(elements.getFloat(first * 4), 0, present);
        for (long element = first + 1; element < first + dimension; element++) {
          writer.write(elements.getFloat(element * 4), 1, present);
        }
      }
    };
  }

  /** The values of one vector, written to one column; a null is an absent optional value. */
  private abstract static class ColumnValues {
    private final FieldVector vector;
    private final ColumnWriter writer;
    private final boolean mayHaveNulls;

    ColumnValues(FieldVector vector, ColumnWriter writer, boolean mayHaveNulls) {
      this.vector = vector;
      this.writer = writer;
      this.mayHaveNulls = mayHaveNulls;
    }

    abstract void writePresent(int row);

    final void write(int from, int to) {
      if (!mayHaveNulls) {
        for (int row = from; row < to; row++) {
          writePresent(row);
        }
        return;
      }
      for (int row = from; row < to; row++) {
        if (vector.isNull(row)) {
          writer.writeNull(0, 0);
        } else {
          writePresent(row);
        }
      }
    }
  }
}
