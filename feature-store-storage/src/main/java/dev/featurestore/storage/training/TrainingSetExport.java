package dev.featurestore.storage.training;

import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.LocalFileInput;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Streams a training set's Parquet output as CSV, JSON or an Arrow IPC stream, one row group (or
 * Arrow batch) at a time, so that an output larger than the heap downloads without being loaded
 * whole. In CSV and JSON, times are ISO-8601 UTC instants with microseconds (any year a long of
 * microseconds holds), vectors JSON arrays, bytes base64; JSON, which has no NaN or infinities,
 * writes those floats as the strings {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"} (CSV
 * writes the same words bare). The Arrow stream keeps the output's Arrow types.
 */
public final class TrainingSetExport {
  /** Rows per Arrow batch: with 768-float vectors, about 25 MB of buffers. */
  private static final int ARROW_BATCH_ROWS = 8_192;

  private TrainingSetExport() {}

  /**
   * Writes the output as an Arrow IPC stream (schema, then record batches) to {@code out}, which is
   * flushed and left open for the caller.
   */
  public static void writeArrowStream(Path parquet, BufferAllocator allocator, OutputStream out)
      throws IOException {
    try (ArrowParquetReader reader =
            ArrowParquetReader.open(new LocalFileInput(parquet), ARROW_BATCH_ROWS, allocator);
        ArrowStreamWriter writer =
            new ArrowStreamWriter(reader.batch(), null, Channels.newChannel(unclosable(out)))) {
      writer.start();
      while (reader.loadNextBatch()) {
        writer.writeBatch();
      }
      writer.end();
    }
    out.flush();
  }

  /** Closing the Arrow writer must not close the response, which its owner completes. */
  private static OutputStream unclosable(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
      }

      @Override
      public void close() throws IOException {
        out.flush();
      }
    };
  }

  /** The output format of a download. */
  public enum Format {
    CSV,
    JSON
  }

  public static void write(Path parquet, Format format, OutputStream out) throws IOException {
    Writer writer =
        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalFileInput(parquet))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      List<Type> fields = schema.getFields();
      if (format == Format.CSV) {
        for (int i = 0; i < fields.size(); i++) {
          writer.write(i == 0 ? "" : ",");
          writer.write(csvCell(fields.get(i).getName()));
        }
        writer.write("\n");
      } else {
        writer.write("{\"rows\":[");
      }
      boolean first = true;
      ColumnIOFactory columnIo = new ColumnIOFactory();
      for (PageReadStore pages = reader.readNextRowGroup();
          pages != null;
          pages = reader.readNextRowGroup()) {
        RecordReader<Group> records =
            columnIo.getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
        for (long row = 0; row < pages.getRowCount(); row++) {
          Group record = records.read();
          if (format == Format.CSV) {
            writeCsvRow(writer, record, fields);
          } else {
            writer.write(first ? "\n" : ",\n");
            writeJsonRow(writer, record, fields);
          }
          first = false;
        }
      }
      if (format == Format.JSON) {
        writer.write("\n]}\n");
      }
    }
    writer.flush();
  }

  private static void writeCsvRow(Writer writer, Group record, List<Type> fields)
      throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        writer.write(',');
      }
      if (record.getFieldRepetitionCount(i) > 0) {
        String value = value(record, i, fields.get(i), Format.CSV);
        writer.write(csvCell(value));
      }
    }
    writer.write('\n');
  }

  private static void writeJsonRow(Writer writer, Group record, List<Type> fields)
      throws IOException {
    writer.write('{');
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        writer.write(',');
      }
      writer.write(jsonString(fields.get(i).getName()));
      writer.write(':');
      if (record.getFieldRepetitionCount(i) == 0) {
        writer.write("null");
      } else if (isQuoted(fields.get(i))) {
        writer.write(jsonString(value(record, i, fields.get(i), Format.JSON)));
      } else {
        writer.write(value(record, i, fields.get(i), Format.JSON));
      }
    }
    writer.write('}');
  }

  /** Strings, bytes and times are JSON strings; numbers, booleans and vectors are not. */
  private static boolean isQuoted(Type type) {
    if (!type.isPrimitive()) {
      return false;
    }
    PrimitiveType primitive = type.asPrimitiveType();
    return primitive.getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.BINARY
        || primitive.getLogicalTypeAnnotation()
            instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
  }

  private static String value(Group record, int field, Type type, Format format) {
    if (!type.isPrimitive()) {
      Group list = record.getGroup(field, 0);
      StringBuilder vector = new StringBuilder("[");
      for (int i = 0; i < list.getFieldRepetitionCount(0); i++) {
        vector
            .append(i == 0 ? "" : ",")
            .append(decimal(Float.toString(list.getGroup(0, i).getFloat(0, 0)), format));
      }
      return vector.append(']').toString();
    }
    PrimitiveType primitive = type.asPrimitiveType();
    LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
    return switch (primitive.getPrimitiveTypeName()) {
      case BOOLEAN -> Boolean.toString(record.getBoolean(field, 0));
      case INT32 -> Integer.toString(record.getInteger(field, 0));
      case INT64 ->
          logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation
              ? EpochMicros.toInstant(record.getLong(field, 0)).toString()
              : Long.toString(record.getLong(field, 0));
      case FLOAT -> decimal(Float.toString(record.getFloat(field, 0)), format);
      case DOUBLE -> decimal(Double.toString(record.getDouble(field, 0)), format);
      case BINARY ->
          logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
              ? record.getString(field, 0)
              : Base64.getEncoder().encodeToString(record.getBinary(field, 0).getBytes());
      default -> throw new IllegalStateException("unexpected type " + primitive);
    };
  }

  /** A float's text; NaN and infinities, which JSON lacks, are JSON strings ("NaN"...). */
  private static String decimal(String text, Format format) {
    boolean finite = Character.isDigit(text.charAt(text.length() - 1));
    return finite || format == Format.CSV ? text : '"' + text + '"';
  }

  private static String csvCell(String value) {
    if (value.isEmpty()) {
      return "\"\"";
    }
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  private static String jsonString(String value) {
    StringBuilder json = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    return json.append('"').toString();
  }
}
