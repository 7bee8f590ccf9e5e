package dev.featurestore.storage.parquet;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
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
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Arrow batches to one Parquet file column by column, straight into parquet-java's column
 * writers: one tight loop per column and batch slice, instead of the record API's per-value field
 * bookkeeping and dispatch. Both our file kinds (feature files, training-set outputs) use it, with
 * the same encodings: dictionaries for keys, times and strings, none for measurements (floats,
 * vector elements) or for {@code columnsWithoutDictionary}, where they are wasted work.
 *
 * <p>Row groups close near {@code rowGroupBytes} of buffered data, checked on the same schedule as
 * parquet-java's record writer; rows are handed to the column writers in slices of at most {@link
 * #SLICE_ROWS}, so pages keep close to parquet-java's page size and row-count limits.
 */
final class ArrowColumnsWriter implements AutoCloseable {
  /** Rows written to every column before the writers see the rows end. */
  private static final int SLICE_ROWS = 1_024;

  private final MessageType schema;
  private final List<ColumnDescriptor> columns;
  private final ParquetProperties properties;
  private final ParquetFileWriter fileWriter;
  private final CodecFactory codecs;
  private final BytesInputCompressor compressor;
  private final long rowGroupBytes;
  private final Map<String, String> footerMetadata;
  private ColumnChunkPageWriteStore pageStore;
  private ColumnWriteStore columnStore;
  private long rowsInGroup;
  private long rowsAtNextSizeCheck;
  private byte[] scratch = new byte[256];
  private boolean closed;

  ArrowColumnsWriter(
      OutputFile output,
      MessageType schema,
      Schema arrowSchema,
      CompressionCodecName compression,
      long rowGroupBytes,
      Set<String> columnsWithoutDictionary,
      Map<String, String> footerMetadata)
      throws IOException {
    this.schema = schema;
    this.footerMetadata = Map.copyOf(footerMetadata);
    this.columns = schema.getColumns();
    this.rowGroupBytes = rowGroupBytes;
    ParquetProperties.Builder builder = ParquetProperties.builder().withDictionaryEncoding(true);
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
    this.codecs =
        new CodecFactory(new PlainParquetConfiguration(), properties.getPageSizeThreshold());
    this.compressor = codecs.getCompressor(compression);
    ParquetFileWriter writer = null;
    try {
      writer =
          new ParquetFileWriter(
              output,
              schema,
              ParquetFileWriter.Mode.OVERWRITE,
              rowGroupBytes,
              ParquetWriter.MAX_PADDING_SIZE_DEFAULT,
              null,
              properties);
      writer.start();
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        writer.abort();
      }
      codecs.release();
      throw e;
    }
    this.fileWriter = writer;
    startRowGroup();
  }

  /** Appends the batch's rows; its vectors match the file's columns in order. */
  void write(VectorSchemaRoot batch) throws IOException {
    if (closed) {
      throw new IllegalStateException("the writer is already finished");
    }
    List<FieldVector> vectors = batch.getFieldVectors();
    ColumnValues[] values = columnValues(vectors);
    int rows = batch.getRowCount();
    int from = 0;
    while (from < rows) {
      long untilCheck = Math.max(1, rowsAtNextSizeCheck - rowsInGroup);
      int to = (int) Math.min(rows, from + Math.min(SLICE_ROWS, untilCheck));
      for (ColumnValues column : values) {
        column.write(from, to);
      }
      for (int row = from; row < to; row++) {
        columnStore.endRecord();
      }
      rowsInGroup += to - from;
      from = to;
      if (rowsInGroup >= rowsAtNextSizeCheck && startedRowGroup()) {
        values = columnValues(vectors); // bound to the new row group's column writers
      }
    }
  }

  /** Writes the last row group and the footer. */
  void finish() throws IOException {
    closed = true;
    try {
      flushRowGroup();
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

  private void release() {
    try {
      if (columnStore != null) {
        columnStore.close();
        pageStore.close();
      }
    } finally {
      columnStore = null;
      pageStore = null;
      codecs.release();
    }
  }

  private ColumnValues[] columnValues(List<FieldVector> vectors) {
    ColumnValues[] values = new ColumnValues[vectors.size()];
    for (int index = 0; index < values.length; index++) {
      values[index] = columnValues(vectors.get(index), columns.get(index));
    }
    return values;
  }

  /**
   * As parquet-java's record writer: closes the group when within ~2 rows of the size, and says
   * whether it did.
   */
  private boolean startedRowGroup() throws IOException {
    long buffered = columnStore.getBufferedSize();
    long rowBytes = buffered / rowsInGroup;
    if (buffered > rowGroupBytes - 2 * rowBytes) {
      flushRowGroup();
      startRowGroup();
      return true;
    } else {
      rowsAtNextSizeCheck =
          Math.min(
              Math.max(
                  properties.getMinRowCountForPageSizeCheck(),
                  (rowsInGroup + rowGroupBytes / Math.max(1, rowBytes)) / 2),
              rowsInGroup + properties.getMaxRowCountForPageSizeCheck());
      return false;
    }
  }

  private void startRowGroup() {
    pageStore =
        ColumnChunkPageWriteStore.builder()
            .withSchema(schema)
            .withAllocator(properties.getAllocator())
            .withColumnIndexTruncateLength(properties.getColumnIndexTruncateLength())
            .withPageWriteChecksumEnabled(properties.getPageWriteChecksumEnabled())
            .withCompressorProvider(column -> compressor)
            .build();
    columnStore = properties.newColumnWriteStore(schema, pageStore, pageStore);
    rowsInGroup = 0;
    rowsAtNextSizeCheck = properties.getMinRowCountForPageSizeCheck();
  }

  private void flushRowGroup() throws IOException {
    try {
      if (rowsInGroup > 0) {
        fileWriter.startBlock(rowsInGroup);
        columnStore.flush();
        pageStore.flushToFileWriter(fileWriter);
        fileWriter.endBlock();
      }
    } finally {
      columnStore.close();
      pageStore.close();
      columnStore = null;
      pageStore = null;
    }
  }

  private ColumnValues columnValues(FieldVector vector, ColumnDescriptor column) {
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
          @Override
          void writePresent(int row) {
            int start = offsets.getInt((long) row * 4);
            int length = offsets.getInt((long) row * 4 + 4) - start;
            writer.write(reusedBinary(data, start, length), 0, present);
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

  /** Parquet copies a reused binary wherever it keeps one (dictionary, statistics). */
  private Binary reusedBinary(ArrowBuf data, int start, int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    data.getBytes(start, scratch, 0, length);
    return Binary.fromReusedByteArray(scratch, 0, length);
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
