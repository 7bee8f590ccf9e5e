package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.training.SpineFiles;
import dev.featurestore.core.training.SpineSource;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.storage.parquet.StringKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Uploaded spines: a Parquet file, an Arrow IPC stream or a CSV file with a header row, read batch
 * by batch through the same readers as commit uploads. {@link #describe} checks an upload when it
 * arrives (readable, an {@code event_time} of instants with a zone in every row, column types a
 * spine can pass through) and {@link #load} turns it into a spine for given key columns.
 *
 * <p>Columns keep their types (every CSV column is text). Key columns become the entity's key type
 * (text cells are parsed as integers for INT64 keys), {@code event_time} becomes UTC microseconds
 * (text cells must be ISO-8601 instants with a zone). Errors name the column, or {@code
 * rows[n].column} for a bad value.
 */
public final class SpineUploads {
  /** The formats a spine may be uploaded in; JSON spines are sent inline instead. */
  public static final Set<UploadFormat> FORMATS =
      Set.of(UploadFormat.PARQUET, UploadFormat.ARROW_STREAM, UploadFormat.CSV);

  private static final int BATCH_ROWS = 65_536;

  private SpineUploads() {}

  /**
   * Reads the whole upload once, checking every row's spine time and the upload's {@code limits}
   * (rows, the size of each value, and for Parquet the bytes it decodes to).
   */
  public static SpineFiles.Description describe(
      UploadFormat format, Path file, BufferAllocator allocator, UploadLimits limits)
      throws IOException {
    UploadBudget budget = limits.newBudget();
    try (SpineBatches batches = open(format, file, allocator, budget)) {
      Schema schema = batches.batch().getSchema();
      List<Upload.Column> columns = new ArrayList<>();
      for (Field field : schema.getFields()) {
        FeatureType type = columnType(field);
        if (field.getName().equals(SpineSource.SPINE_TIME)) {
          if (type != FeatureType.TIMESTAMP && type != FeatureType.STRING) {
            throw new InvalidInputException(
                SpineSource.SPINE_TIME, "must hold instants (timestamps with a zone), not " + type);
          }
          type = FeatureType.TIMESTAMP;
        }
        columns.add(new Upload.Column(field.getName(), type));
      }
      if (schema.getFields().stream()
          .noneMatch(field -> field.getName().equals(SpineSource.SPINE_TIME))) {
        throw new InvalidInputException(
            SpineSource.SPINE_TIME,
            "the spine needs the column '" + SpineSource.SPINE_TIME + "', the time of each row");
      }
      long rows = 0;
      while (batches.loadNextBatch()) {
        VectorSchemaRoot batch = batches.batch();
        budget.addRows(batch.getRowCount());
        checkValueSizes(batch, rows, budget);
        FieldVector times = batch.getVector(SpineSource.SPINE_TIME);
        long microsPerUnit = microsPerUnit(times.getField());
        for (int row = 0; row < batch.getRowCount(); row++) {
          spineTimeMicros(times, row, microsPerUnit, rows + row);
        }
        rows += batch.getRowCount();
      }
      if (rows == 0) {
        throw new InvalidInputException("body", "the spine holds no rows");
      }
      return new SpineFiles.Description(columns, rows);
    }
  }

  /** Parquet's reader checks values as it decodes them; Arrow and CSV batches are checked here. */
  private static void checkValueSizes(
      VectorSchemaRoot batch, long rowsBefore, UploadBudget budget) {
    for (FieldVector vector : batch.getFieldVectors()) {
      if (vector instanceof BaseVariableWidthVector values) {
        for (int row = 0; row < batch.getRowCount(); row++) {
          long size = values.getEndOffset(row) - values.getStartOffset(row);
          if (!budget.fits(size)) {
            throw budget.valueTooLong(at(rowsBefore + row, vector), size);
          }
        }
      }
    }
  }

  /**
   * Loads the whole upload as a spine whose key columns are those of {@code entities}, which the
   * upload must have (see {@link Upload#requireKeyColumns}); the caller closes the result.
   */
  public static VectorSchemaRoot load(
      UploadFormat format, Path file, List<Entity> entities, BufferAllocator allocator)
      throws IOException {
    try (SpineBatches batches = open(format, file, allocator, UploadLimits.NONE.newBudget())) {
      List<Field> sourceFields = batches.batch().getSchema().getFields();
      List<Field> fields = new ArrayList<>();
      for (Field field : sourceFields) {
        fields.add(spineField(field, entities));
      }
      VectorSchemaRoot spine = VectorSchemaRoot.create(new Schema(fields), allocator);
      try {
        spine.allocateNew();
        int rows = 0;
        while (batches.loadNextBatch()) {
          VectorSchemaRoot batch = batches.batch();
          try {
            for (int column = 0; column < fields.size(); column++) {
              copy(batch.getVector(column), spine.getVector(column), rows, entities);
            }
          } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            // What reading a damaged vector throws; only an Arrow stream's buffers arrive
            // unchecked.
            throw ArrowStreamDecoder.unreadable(e);
          }
          rows = Math.addExact(rows, batch.getRowCount());
        }
        for (FieldVector vector : spine.getFieldVectors()) {
          vector.setValueCount(rows);
        }
        spine.setRowCount(rows);
        return spine;
      } catch (IOException | RuntimeException e) {
        spine.close();
        throw e;
      }
    }
  }

  /** The type of a column's values; only types a spine's output can hold are accepted. */
  private static FeatureType columnType(Field field) {
    ArrowType type = field.getType();
    if (type instanceof ArrowType.Timestamp timestamp) {
      if (timestamp.getTimezone() == null) {
        throw new InvalidInputException(
            field.getName(), "is a timestamp without time zone; times must be UTC instants");
      }
      return FeatureType.TIMESTAMP;
    }
    if (type instanceof ArrowType.Int integer && integer.getIsSigned()) {
      if (integer.getBitWidth() == 64) {
        return FeatureType.INT64;
      }
      if (integer.getBitWidth() == 32) {
        return FeatureType.INT32;
      }
    }
    if (type instanceof ArrowType.FloatingPoint floating) {
      switch (floating.getPrecision()) {
        case SINGLE:
          return FeatureType.FLOAT32;
        case DOUBLE:
          return FeatureType.FLOAT64;
        default:
          break;
      }
    }
    if (type instanceof ArrowType.Utf8) {
      return FeatureType.STRING;
    }
    if (type instanceof ArrowType.Binary) {
      return FeatureType.BYTES;
    }
    if (type instanceof ArrowType.Bool) {
      return FeatureType.BOOL;
    }
    throw new InvalidInputException(
        field.getName(),
        "has type "
            + type
            + "; spine columns may be strings, binary, booleans, 32- or 64-bit integers, floats,"
            + " doubles or timestamps with a zone");
  }

  /** The spine's field for an upload column: keys and time get their fixed types. */
  private static Field spineField(Field source, List<Entity> entities) {
    for (Entity entity : entities) {
      if (entity.name().equals(source.getName())) {
        return StoredRowSchema.keyField(entity);
      }
    }
    if (source.getName().equals(SpineSource.SPINE_TIME)) {
      return new Field(
          SpineSource.SPINE_TIME, FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null);
    }
    columnType(source);
    ArrowType type =
        source.getType() instanceof ArrowType.Timestamp
            ? StoredRowSchema.TIMESTAMP_TYPE
            : source.getType();
    return new Field(source.getName(), FieldType.nullable(type), null);
  }

  /** Appends a batch's column at {@code offset}, converting keys and times as the target says. */
  private static void copy(FieldVector from, FieldVector to, int offset, List<Entity> entities) {
    String name = to.getField().getName();
    int rows = from.getValueCount();
    boolean required = !to.getField().isNullable();
    if (name.equals(SpineSource.SPINE_TIME) && required) {
      long microsPerUnit = microsPerUnit(from.getField());
      TimeStampMicroTZVector times = (TimeStampMicroTZVector) to;
      for (int row = 0; row < rows; row++) {
        times.setSafe(offset + row, spineTimeMicros(from, row, microsPerUnit, offset + row));
      }
    } else if (required && to instanceof BigIntVector keys && !(from instanceof BigIntVector)) {
      for (int row = 0; row < rows; row++) {
        requirePresent(from, row, offset + row);
        keys.setSafe(offset + row, integerKey(from, row, offset + row));
      }
    } else if (from instanceof TimeStampVector times) {
      long microsPerUnit = microsPerUnit(from.getField());
      TimeStampMicroTZVector target = (TimeStampMicroTZVector) to;
      for (int row = 0; row < rows; row++) {
        if (times.isNull(row)) {
          target.setNull(offset + row);
        } else {
          int fileRow = offset + row;
          target.setSafe(
              fileRow,
              ArrowBatchRows.scale(
                  times.get(row),
                  microsPerUnit,
                  message -> new InvalidInputException(at(fileRow, from), message)));
        }
      }
    } else {
      for (int row = 0; row < rows; row++) {
        if (required) {
          requirePresent(from, row, offset + row);
        }
        to.copyFromSafe(row, offset + row, from);
      }
      if (required && from instanceof VarCharVector keys) {
        int row = StringKeys.firstInvalidRow(keys, rows);
        if (row >= 0) {
          throw new InvalidInputException(at(offset + row, from), StringKeys.problem(keys, row));
        }
      }
    }
  }

  private static long integerKey(FieldVector from, int row, long fileRow) {
    if (from instanceof BaseIntVector integers) {
      return integers.getValueAsLong(row);
    }
    String text = new String(((VarCharVector) from).get(row), StandardCharsets.UTF_8);
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(
          at(fileRow, from), "'" + text + "' is not an integer, as the entity's keys are");
    }
  }

  private static void requirePresent(FieldVector from, int row, long fileRow) {
    if (from.isNull(row)) {
      throw new InvalidInputException(at(fileRow, from), "must not be null in a spine");
    }
  }

  private static long spineTimeMicros(
      FieldVector times, int row, long microsPerUnit, long fileRow) {
    requirePresent(times, row, fileRow);
    if (times instanceof TimeStampVector timestamps) {
      return ArrowBatchRows.scale(
          timestamps.get(row),
          microsPerUnit,
          message -> new InvalidInputException(at(fileRow, times), message));
    }
    return EpochMicros.parse(
        at(fileRow, times), new String(((VarCharVector) times).get(row), StandardCharsets.UTF_8));
  }

  /** Multiplier to microseconds of a timestamp column; unused (1) for text. */
  private static long microsPerUnit(Field field) {
    return field.getType() instanceof ArrowType.Timestamp timestamp
        ? ArrowBatchRows.microsPerUnit(timestamp)
        : 1;
  }

  private static String at(long row, FieldVector vector) {
    return "rows[" + row + "]." + vector.getField().getName();
  }

  /** Batches of an uploaded file, in the file's own column types; one root refilled per batch. */
  private interface SpineBatches extends AutoCloseable {
    VectorSchemaRoot batch();

    boolean loadNextBatch() throws IOException;

    @Override
    void close() throws IOException;
  }

  private static SpineBatches open(
      UploadFormat format, Path file, BufferAllocator allocator, UploadBudget budget)
      throws IOException {
    return switch (format) {
      case PARQUET -> parquet(file, allocator, budget);
      case ARROW_STREAM -> arrowStream(file, allocator);
      case CSV -> new CsvBatches(file, allocator);
      case JSON -> throw new IllegalArgumentException("JSON spines are sent inline, as spine.rows");
    };
  }

  private static SpineBatches parquet(Path file, BufferAllocator allocator, UploadBudget budget)
      throws IOException {
    ArrowParquetReader reader;
    try {
      reader = ArrowParquetReader.open(new LocalFileInput(file), BATCH_ROWS, allocator, budget);
    } catch (InvalidInputException e) {
      throw asBodyError(e);
    } catch (IOException e) {
      throw ParquetUploadDecoder.unreadable(e);
    }
    return new SpineBatches() {
      @Override
      public VectorSchemaRoot batch() {
        return reader.batch();
      }

      @Override
      public boolean loadNextBatch() throws IOException {
        try {
          return reader.loadNextBatch();
        } catch (InvalidInputException e) {
          throw asBodyError(e);
        } catch (IOException e) {
          throw ParquetUploadDecoder.unreadable(e);
        }
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  /** The Parquet reader says {@code file} for damaged bytes; here the file is the body. */
  static InvalidInputException asBodyError(InvalidInputException e) {
    return e.errors().get(0).field().equals("file")
        ? new InvalidInputException("body", e.errors().get(0).message())
        : e;
  }

  private static SpineBatches arrowStream(Path file, BufferAllocator allocator) throws IOException {
    ArrowStreamDecoder.checkFraming(file);
    InputStream body = Files.newInputStream(file);
    ArrowStreamReader reader = new ArrowStreamReader(body, allocator);
    VectorSchemaRoot root;
    try {
      root = ArrowStreamDecoder.schemaRoot(reader);
    } catch (InvalidInputException e) {
      reader.close();
      throw e;
    }
    return new SpineBatches() {
      @Override
      public VectorSchemaRoot batch() {
        return root;
      }

      @Override
      public boolean loadNextBatch() {
        return ArrowStreamDecoder.loadNextBatch(reader);
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  /** CSV with a header row, read into text batches; an empty unquoted cell is null. */
  private static final class CsvBatches implements SpineBatches {
    private final InputStream body;
    private final CsvRecords records;
    private final VectorSchemaRoot root;
    private long rowsRead;

    CsvBatches(Path file, BufferAllocator allocator) throws IOException {
      body = Files.newInputStream(file);
      try {
        records = new CsvRecords(body);
        List<Field> fields = new ArrayList<>();
        for (String name : records.header()) {
          fields.add(new Field(name, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
        }
        root = VectorSchemaRoot.create(new Schema(fields), allocator);
      } catch (IOException | RuntimeException e) {
        body.close();
        throw e;
      }
    }

    @Override
    public VectorSchemaRoot batch() {
      return root;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      root.allocateNew();
      List<FieldVector> vectors = root.getFieldVectors();
      int rows = 0;
      for (List<CsvRecords.Cell> record = rows < BATCH_ROWS ? records.next() : null;
          record != null;
          record = rows < BATCH_ROWS ? records.next() : null) {
        if (record.size() != vectors.size()) {
          throw new InvalidInputException(
              "rows[" + (rowsRead + rows) + "]",
              "has "
                  + record.size()
                  + " cells but the header names "
                  + vectors.size()
                  + " columns");
        }
        for (int column = 0; column < vectors.size(); column++) {
          CsvRecords.Cell cell = record.get(column);
          if (!cell.isNull()) {
            ((VarCharVector) vectors.get(column))
                .setSafe(rows, cell.text().getBytes(StandardCharsets.UTF_8));
          }
        }
        rows++;
      }
      for (FieldVector vector : vectors) {
        vector.setValueCount(rows);
      }
      root.setRowCount(rows);
      rowsRead += rows;
      return rows > 0;
    }

    @Override
    public void close() throws IOException {
      try (body) {
        root.close();
      }
    }
  }
}
