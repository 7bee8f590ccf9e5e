package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Uploaded Parquet files (e.g. written by pandas, Spark or DuckDB): top-level columns are matched
 * to the group's by name. Parquet parsing is an attack surface, so the reader only uses
 * parquet-java's generic record model (an uploaded schema never names a class to load) and refuses
 * row groups whose declared uncompressed size exceeds a limit before decompressing anything.
 */
public final class ParquetUploadDecoder implements UploadDecoder {
  /** Declared uncompressed bytes per row group we are willing to inflate. */
  static final long MAX_ROW_GROUP_BYTES = 512L << 20;

  @Override
  public void decode(Path file, RowAssembler rows) {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> fields = schema.getFields();
      int[] columns = new int[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        columns[i] = rows.column(fields.get(i).getName());
        checkTimestampHasZone(fields.get(i), rows);
      }
      for (BlockMetaData block : reader.getFooter().getBlocks()) {
        if (block.getTotalByteSize() > MAX_ROW_GROUP_BYTES || block.getTotalByteSize() < 0) {
          throw new InvalidInputException(
              "body",
              "a Parquet row group declares "
                  + block.getTotalByteSize()
                  + " uncompressed bytes; the limit is "
                  + MAX_ROW_GROUP_BYTES);
        }
      }
      ColumnIOFactory columnIo = new ColumnIOFactory();
      for (PageReadStore pages = reader.readNextRowGroup();
          pages != null;
          pages = reader.readNextRowGroup()) {
        RecordReader<Group> records =
            columnIo.getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
        for (long row = 0; row < pages.getRowCount(); row++) {
          Group record = records.read();
          rows.startRow();
          for (int i = 0; i < fields.size(); i++) {
            readCell(record, i, fields.get(i), columns[i], rows);
          }
          rows.endRow();
        }
      }
    } catch (InvalidInputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "body",
          "not a readable Parquet file: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    rows.finish();
  }

  private static void checkTimestampHasZone(Type field, RowAssembler rows) {
    if (field.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp
        && !timestamp.isAdjustedToUTC()) {
      throw rows.error(
          field.getName(), "timestamp column has no time zone (isAdjustedToUTC=false)");
    }
  }

  private static void readCell(Group record, int field, Type type, int column, RowAssembler rows) {
    if (record.getFieldRepetitionCount(field) == 0) {
      rows.setNull(column);
      return;
    }
    if (!type.isPrimitive()) {
      rows.setVector(column, floats(record.getGroup(field, 0), type.asGroupType(), rows, column));
      return;
    }
    PrimitiveType primitive = type.asPrimitiveType();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
      // The stored integer is unscaled: reading it as a plain integer would be off by 10^scale.
      rows.setDouble(column, decimal(record, field, primitive, decimal.getScale(), rows, column));
      return;
    }
    switch (primitive.getPrimitiveTypeName()) {
      case BOOLEAN -> rows.setBoolean(column, record.getBoolean(field, 0));
      case INT32 -> rows.setLong(column, record.getInteger(field, 0));
      case INT64 -> {
        long value = record.getLong(field, 0);
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
          rows.setInstantMicros(column, toMicros(value, timestamp.getUnit()));
        } else {
          rows.setLong(column, value);
        }
      }
      case FLOAT -> rows.setDouble(column, record.getFloat(field, 0));
      case DOUBLE -> rows.setDouble(column, record.getDouble(field, 0));
      case BINARY -> {
        if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
          rows.setText(column, record.getString(field, 0));
        } else {
          rows.setBytes(column, record.getBinary(field, 0).getBytes());
        }
      }
      default ->
          throw rows.error(
              column, "Parquet type " + primitive.getPrimitiveTypeName() + " is not supported");
    }
  }

  private static double decimal(
      Group record, int field, PrimitiveType type, int scale, RowAssembler rows, int column) {
    BigInteger unscaled =
        switch (type.getPrimitiveTypeName()) {
          case INT32 -> BigInteger.valueOf(record.getInteger(field, 0));
          case INT64 -> BigInteger.valueOf(record.getLong(field, 0));
          case BINARY, FIXED_LEN_BYTE_ARRAY ->
              new BigInteger(record.getBinary(field, 0).getBytes());
          default -> throw rows.error(column, "DECIMAL stored as " + type.getPrimitiveTypeName());
        };
    return new BigDecimal(unscaled, scale).doubleValue();
  }

  /** A 3-level LIST of FLOAT or DOUBLE: {@code list.element} repeated. */
  private static float[] floats(Group list, GroupType type, RowAssembler rows, int column) {
    if (!(type.getLogicalTypeAnnotation()
        instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)) {
      throw rows.error(column, "only LIST columns of floats are supported as vectors");
    }
    int count = list.getFieldRepetitionCount(0);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      Group element = list.getGroup(0, i);
      if (element.getFieldRepetitionCount(0) == 0) {
        throw rows.error(column, "vector elements must not be null");
      }
      PrimitiveType elementType = element.getType().getType(0).asPrimitiveType();
      values[i] =
          switch (elementType.getPrimitiveTypeName()) {
            case FLOAT -> element.getFloat(0, 0);
            case DOUBLE -> (float) element.getDouble(0, 0);
            default -> throw rows.error(column, "vector elements must be FLOAT or DOUBLE");
          };
    }
    return values;
  }

  private static long toMicros(long value, LogicalTypeAnnotation.TimeUnit unit) {
    return switch (unit) {
      case MILLIS -> Math.multiplyExact(value, 1_000L);
      case MICROS -> value;
      case NANOS -> Math.floorDiv(value, 1_000L);
    };
  }
}
