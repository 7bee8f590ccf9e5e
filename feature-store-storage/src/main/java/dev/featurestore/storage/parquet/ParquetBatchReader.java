package dev.featurestore.storage.parquet;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.ingest.UploadLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.VersionParser;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Reads chosen row groups of a Parquet file into Arrow batches of a target schema, matching
 * top-level columns by name. Shared by the reader of our own feature files and the reader of
 * uploaded files, which differ only in how they report a file that does not fit.
 *
 * <p>Each column chunk is decoded page by page in bulk by a {@link PageDecoder} when its metadata
 * lists only encodings that decoder knows, else value by value by the column's {@link
 * ColumnDecoder}.
 *
 * <p>Type mismatches, missing columns and bad values raise {@link InvalidInputException} naming the
 * column.
 */
final class ParquetBatchReader implements AutoCloseable {
  /** Values are read through {@link ColumnReaderImpl}'s getters, never pushed to a converter. */
  private static final PrimitiveConverter UNUSED_CONVERTER = new PrimitiveConverter() {};

  /**
   * One Hadoop configuration for every file opened: without it parquet-java builds a fresh one per
   * file, and parsing its default XML resources cost more than decoding a small file's pages.
   */
  private static final Configuration HADOOP_CONFIGURATION = new Configuration();

  private final ParquetFileReader fileReader;
  private final List<Integer> rowGroups;
  private final int batchRows;
  private final VectorSchemaRoot root;
  private final ColumnDecoder[] decoders;

  /** Each column's bulk decoder, null where none applies (absent columns). */
  private final PageDecoder[] pageDecoders;

  /** Which columns the current row group decodes in bulk; the others take the row path. */
  private final boolean[] inBulk;

  private final ColumnDescriptor[] descriptors;
  private final VersionParser.ParsedVersion writerVersion;
  private int nextRowGroup;
  private PageReadStore currentRowGroup;
  private long rowsLeftInRowGroup;
  private long rowsRead;
  private UploadBudget budget = UploadLimits.NONE.newBudget();

  /**
   * @param optionalColumns target columns a file may lack; they read as all-null
   */
  ParquetBatchReader(
      ParquetFileReader fileReader,
      Schema target,
      List<String> optionalColumns,
      List<Integer> rowGroups,
      int batchRows,
      BufferAllocator allocator) {
    this(fileReader, target, optionalColumns, rowGroups, batchRows, allocator, true);
  }

  /**
   * @param bulkDecoding false reads every column through parquet-java's per-value column readers,
   *     the path chunks with other encodings take: tests compare the two
   */
  ParquetBatchReader(
      ParquetFileReader fileReader,
      Schema target,
      List<String> optionalColumns,
      List<Integer> rowGroups,
      int batchRows,
      BufferAllocator allocator,
      boolean bulkDecoding) {
    this.fileReader = fileReader;
    this.rowGroups = List.copyOf(rowGroups);
    this.batchRows = batchRows;
    MessageType fileSchema = fileReader.getFooter().getFileMetaData().getSchema();
    List<Field> fields = target.getFields();
    this.decoders = new ColumnDecoder[fields.size()];
    this.pageDecoders = new PageDecoder[fields.size()];
    this.inBulk = new boolean[fields.size()];
    this.descriptors = new ColumnDescriptor[fields.size()];
    List<Type> requested = new ArrayList<>();
    for (int index = 0; index < fields.size(); index++) {
      Field field = fields.get(index);
      String name = field.getName();
      if (!fileSchema.containsField(name)) {
        if (!optionalColumns.contains(name)) {
          throw new InvalidInputException(name, "is missing from the file");
        }
        decoders[index] = new ColumnDecoder.Absent(name);
        continue;
      }
      Type fileType = fileSchema.getType(name);
      requested.add(fileType);
      MessageType single = new MessageType(fileSchema.getName(), fileType);
      if (single.getColumns().size() != 1) {
        throw mismatch(field, fileType);
      }
      descriptors[index] = single.getColumns().get(0);
      decoders[index] = decoderFor(field, fileType, descriptors[index]);
      if (bulkDecoding) {
        pageDecoders[index] = PageDecoder.of(decoders[index], descriptors[index]);
      }
    }
    fileReader.setRequestedSchema(new MessageType(fileSchema.getName(), requested));
    this.writerVersion = parseWriterVersion(fileReader.getFileMetaData().getCreatedBy());
    this.root = VectorSchemaRoot.create(target, allocator);
  }

  VectorSchemaRoot batch() {
    return root;
  }

  /**
   * Counts every value this reader decodes against an upload's budget, before it is copied: a file
   * a user uploaded may decode to far more than its size.
   */
  void countAgainst(UploadBudget uploadBudget) {
    this.budget = uploadBudget;
    for (ColumnDecoder decoder : decoders) {
      decoder.budget = uploadBudget;
    }
  }

  /** Reads up to the batch size of rows into {@link #batch()}; false when no rows are left. */
  boolean loadNextBatch() throws IOException {
    while (rowsLeftInRowGroup == 0) {
      if (!startNextRowGroup()) {
        root.setRowCount(0);
        return false;
      }
    }
    int rows = (int) Math.min(batchRows, rowsLeftInRowGroup);
    List<FieldVector> vectors = root.getFieldVectors();
    for (int index = 0; index < decoders.length; index++) {
      FieldVector vector = vectors.get(index);
      budget.addDecodedBytes(rows * fixedBytesPerRow(vector));
      decoders[index].batchStartRow = rowsRead;
      if (inBulk[index]) {
        pageDecoders[index].allocate(vector, rows);
        pageDecoders[index].decode(vector, rows);
      } else {
        vector.setInitialCapacity(rows);
        vector.allocateNew();
        decoders[index].decode(vector, rows);
      }
    }
    root.setRowCount(rows);
    rowsLeftInRowGroup -= rows;
    rowsRead += rows;
    return true;
  }

  /** Strings and binaries are counted value by value as they are decoded; 0 for them here. */
  private static long fixedBytesPerRow(FieldVector vector) {
    if (vector instanceof FixedSizeListVector list) {
      return (long) Float.BYTES * list.getListSize(); // FLOAT32_VECTOR, the only list read
    }
    return vector instanceof BaseFixedWidthVector fixed ? fixed.getTypeWidth() : 0;
  }

  private boolean startNextRowGroup() throws IOException {
    closeCurrentRowGroup();
    if (nextRowGroup == rowGroups.size()) {
      return false;
    }
    int rowGroup = rowGroups.get(nextRowGroup++);
    currentRowGroup = fileReader.readRowGroup(rowGroup);
    rowsLeftInRowGroup = currentRowGroup.getRowCount();
    BlockMetaData block = fileReader.getRowGroups().get(rowGroup);
    for (int index = 0; index < decoders.length; index++) {
      ColumnDescriptor descriptor = descriptors[index];
      if (descriptor == null) {
        continue;
      }
      PageReader pages = currentRowGroup.getPageReader(descriptor);
      ColumnChunkMetaData chunk = chunk(block, descriptor);
      inBulk[index] =
          pageDecoders[index] != null && chunk != null && PageDecoder.decodesInBulk(chunk);
      if (inBulk[index]) {
        pageDecoders[index].startChunk(pages);
      } else {
        decoders[index].startRowGroup(
            new ColumnReaderImpl(descriptor, pages, UNUSED_CONVERTER, writerVersion));
      }
    }
    return true;
  }

  /**
   * Opens a Parquet file for reading, checking page checksums. Chunks are read, and pages
   * decompressed, into {@link ParquetBufferPool#SHARED}'s buffers, which return to it when each row
   * group is closed.
   */
  static ParquetFileReader open(InputFile file) throws IOException {
    return ParquetFileReader.open(
        file,
        ParquetReadOptions.builder(new HadoopParquetConfiguration(HADOOP_CONFIGURATION))
            .withAllocator(ParquetBufferPool.SHARED)
            .useOffHeapDecryptBuffer(true) // data pages decompress into the allocator's buffers
            .withCodecFactory(
                CodecFactory.createDirectCodecFactory(
                    HADOOP_CONFIGURATION, ParquetBufferPool.SHARED, 0))
            .usePageChecksumVerification(true)
            .build());
  }

  private static ColumnChunkMetaData chunk(BlockMetaData block, ColumnDescriptor descriptor) {
    ColumnPath path = ColumnPath.get(descriptor.getPath());
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (chunk.getPath().equals(path)) {
        return chunk;
      }
    }
    return null;
  }

  private void closeCurrentRowGroup() {
    if (currentRowGroup != null) {
      currentRowGroup.close();
      currentRowGroup = null;
    }
  }

  @Override
  public void close() throws IOException {
    try (fileReader;
        root) {
      closeCurrentRowGroup();
    }
  }

  /** Old writers' versions enable parquet-java's workarounds; an unknown writer needs none. */
  private static VersionParser.ParsedVersion parseWriterVersion(String createdBy) {
    if (createdBy == null) {
      return null;
    }
    try {
      return VersionParser.parse(createdBy);
    } catch (VersionParser.VersionParseException | RuntimeException e) {
      return null;
    }
  }

  private static ColumnDecoder decoderFor(Field field, Type fileType, ColumnDescriptor descriptor) {
    String name = field.getName();
    boolean nullable = field.isNullable();
    int maxDefinition = descriptor.getMaxDefinitionLevel();
    ArrowType target = field.getType();
    if (target instanceof ArrowType.FixedSizeList list) {
      return floatVectorDecoder(field, fileType, descriptor, list.getListSize());
    }
    if (!fileType.isPrimitive() || fileType.isRepetition(Type.Repetition.REPEATED)) {
      throw mismatch(field, fileType);
    }
    PrimitiveType primitive = fileType.asPrimitiveType();
    PrimitiveTypeName physical = primitive.getPrimitiveTypeName();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    boolean matches =
        switch (target.getTypeID()) {
          case Utf8 ->
              physical == PrimitiveTypeName.BINARY
                  && logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation;
          case Binary -> physical == PrimitiveTypeName.BINARY && logical == null;
          case Bool -> physical == PrimitiveTypeName.BOOLEAN;
          case Int -> {
            int bitWidth = ((ArrowType.Int) target).getBitWidth();
            boolean sameWidth =
                (bitWidth == 64 && physical == PrimitiveTypeName.INT64)
                    || (bitWidth == 32 && physical == PrimitiveTypeName.INT32);
            yield sameWidth && StoredRowParquetSchema.isPlainSigned(logical, bitWidth);
          }
          case FloatingPoint ->
              switch (((ArrowType.FloatingPoint) target).getPrecision()) {
                case SINGLE -> physical == PrimitiveTypeName.FLOAT;
                case DOUBLE -> physical == PrimitiveTypeName.DOUBLE;
                case HALF -> false;
              };
          case Timestamp ->
              physical == PrimitiveTypeName.INT64
                  && logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
          default -> false;
        };
    if (!matches) {
      throw mismatch(field, fileType);
    }
    return switch (target.getTypeID()) {
      case Utf8 -> new ColumnDecoder.Strings(name, maxDefinition, nullable);
      case Binary -> new ColumnDecoder.Bytes(name, maxDefinition, nullable);
      case Bool -> new ColumnDecoder.Booleans(name, maxDefinition, nullable);
      case Int ->
          physical == PrimitiveTypeName.INT64
              ? new ColumnDecoder.Longs(name, maxDefinition, nullable)
              : new ColumnDecoder.Ints(name, maxDefinition, nullable);
      case FloatingPoint ->
          physical == PrimitiveTypeName.FLOAT
              ? new ColumnDecoder.Floats(name, maxDefinition, nullable)
              : new ColumnDecoder.Doubles(name, maxDefinition, nullable);
      case Timestamp ->
          timestampDecoder(
              name,
              maxDefinition,
              nullable,
              (LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) logical);
      default -> throw mismatch(field, fileType);
    };
  }

  private static ColumnDecoder timestampDecoder(
      String name,
      int maxDefinition,
      boolean nullable,
      LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
    if (!timestamp.isAdjustedToUTC()) {
      throw new InvalidInputException(
          name, "is a timestamp without time zone; times must be UTC instants");
    }
    return switch (timestamp.getUnit()) {
      case MILLIS -> new ColumnDecoder.Timestamps(name, maxDefinition, nullable, 1_000, 1);
      case MICROS -> new ColumnDecoder.Timestamps(name, maxDefinition, nullable, 1, 1);
      case NANOS -> new ColumnDecoder.Timestamps(name, maxDefinition, nullable, 1, 1_000);
    };
  }

  /**
   * Accepts the standard three-level LIST of FLOAT, whatever its level names (writers differ:
   * list/element, bag/array...), with an optional or required element.
   */
  private static ColumnDecoder floatVectorDecoder(
      Field field, Type fileType, ColumnDescriptor descriptor, int dimension) {
    if (fileType.isPrimitive()
        || !(fileType.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      throw mismatch(field, fileType);
    }
    GroupType list = fileType.asGroupType();
    if (list.getFieldCount() != 1 || !list.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      throw mismatch(field, fileType);
    }
    Type repeated = list.getType(0);
    if (repeated.isPrimitive() || repeated.asGroupType().getFieldCount() != 1) {
      throw mismatch(field, fileType);
    }
    Type element = repeated.asGroupType().getType(0);
    if (!element.isPrimitive()
        || element.asPrimitiveType().getPrimitiveTypeName() != PrimitiveTypeName.FLOAT
        || element.isRepetition(Type.Repetition.REPEATED)) {
      throw mismatch(field, fileType);
    }
    int listPresentLevel = fileType.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0;
    return new ColumnDecoder.FloatVectors(
        field.getName(),
        descriptor.getMaxDefinitionLevel(),
        field.isNullable(),
        listPresentLevel,
        dimension);
  }

  private static InvalidInputException mismatch(Field field, Type fileType) {
    return new InvalidInputException(
        field.getName(),
        "has Parquet type '"
            + fileType.toString().strip()
            + "' which cannot be read as "
            + field.getType());
  }
}
