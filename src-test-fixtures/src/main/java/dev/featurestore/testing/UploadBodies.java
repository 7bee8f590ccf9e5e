package dev.featurestore.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Upload bodies in every format a commit accepts, all described by one DuckDB query so that tests
 * and benchmarks send the same rows as Parquet (written by DuckDB, as a user's pipeline would) or
 * as an Arrow IPC stream (written by Arrow Java). Query columns may be VARCHAR, INTEGER, BIGINT,
 * FLOAT, DOUBLE, BOOLEAN, TIMESTAMPTZ, TIMESTAMP (no zone, to test its rejection) or FLOAT[].
 */
public final class UploadBodies {
  private static final int ARROW_BATCH_ROWS = 65_536;

  private UploadBodies() {}

  /** A fresh in-memory DuckDB whose session time zone is UTC. */
  public static Connection duckDb() throws SQLException {
    Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement sql = duckdb.createStatement()) {
      sql.execute("SET TimeZone='UTC'");
    }
    return duckdb;
  }

  public static Path parquet(String query, Path target) throws SQLException {
    try (Connection duckdb = duckDb();
        Statement sql = duckdb.createStatement()) {
      sql.execute("COPY (" + query + ") TO '" + target + "' (FORMAT parquet)");
    }
    return target;
  }

  public static Path arrowStream(String query, Path target) throws SQLException, IOException {
    try (Connection duckdb = duckDb();
        Statement sql = duckdb.createStatement();
        ResultSet rows = sql.executeQuery(query);
        BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot batch = VectorSchemaRoot.create(arrowSchema(rows), allocator);
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
        ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, out)) {
      writer.start();
      batch.allocateNew();
      int row = 0;
      while (rows.next()) {
        for (int column = 0; column < batch.getFieldVectors().size(); column++) {
          setCell(batch.getVector(column), row, rows, column + 1);
        }
        row++;
        if (row == ARROW_BATCH_ROWS) {
          batch.setRowCount(row);
          writer.writeBatch();
          batch.allocateNew();
          row = 0;
        }
      }
      if (row > 0) {
        batch.setRowCount(row);
        writer.writeBatch();
      }
      writer.end();
    }
    return target;
  }

  private static Schema arrowSchema(ResultSet rows) throws SQLException {
    ResultSetMetaData columns = rows.getMetaData();
    List<Field> fields = new ArrayList<>();
    for (int column = 1; column <= columns.getColumnCount(); column++) {
      String name = columns.getColumnLabel(column);
      String type = columns.getColumnTypeName(column).toUpperCase(Locale.ROOT);
      fields.add(
          switch (type) {
            case "VARCHAR" -> scalar(name, ArrowType.Utf8.INSTANCE);
            case "INTEGER" -> scalar(name, new ArrowType.Int(32, true));
            case "BIGINT" -> scalar(name, new ArrowType.Int(64, true));
            case "FLOAT" ->
                scalar(name, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
            case "DOUBLE" ->
                scalar(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
            case "BOOLEAN" -> scalar(name, ArrowType.Bool.INSTANCE);
            case "TIMESTAMP WITH TIME ZONE" ->
                scalar(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));
            case "TIMESTAMP" -> scalar(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
            case "FLOAT[]" ->
                new Field(
                    name,
                    FieldType.nullable(ArrowType.List.INSTANCE),
                    List.of(
                        scalar(
                            "element",
                            new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
            default -> throw new IllegalArgumentException("unsupported column type " + type);
          });
    }
    return new Schema(fields);
  }

  private static Field scalar(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  private static void setCell(FieldVector vector, int row, ResultSet rows, int column)
      throws SQLException {
    Object value = rows.getObject(column);
    if (value == null) {
      vector.setNull(row);
      return;
    }
    if (vector instanceof VarCharVector strings) {
      strings.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof IntVector ints) {
      ints.setSafe(row, ((Number) value).intValue());
    } else if (vector instanceof BigIntVector longs) {
      longs.setSafe(row, ((Number) value).longValue());
    } else if (vector instanceof Float4Vector floats) {
      floats.setSafe(row, ((Number) value).floatValue());
    } else if (vector instanceof Float8Vector doubles) {
      doubles.setSafe(row, ((Number) value).doubleValue());
    } else if (vector instanceof BitVector booleans) {
      booleans.setSafe(row, ((Boolean) value) ? 1 : 0);
    } else if (vector instanceof TimeStampVector times) {
      times.setSafe(row, epochMicros(value));
    } else if (vector instanceof ListVector list) {
      Object[] elements = (Object[]) ((Array) value).getArray();
      Float4Vector floats = (Float4Vector) list.getDataVector();
      int start = list.startNewValue(row);
      for (int i = 0; i < elements.length; i++) {
        floats.setSafe(start + i, ((Number) elements[i]).floatValue());
      }
      list.endValue(row, elements.length);
    } else {
      throw new IllegalArgumentException("unsupported vector " + vector.getField());
    }
  }

  private static long epochMicros(Object value) {
    Instant instant;
    if (value instanceof OffsetDateTime zoned) {
      instant = zoned.toInstant();
    } else if (value instanceof LocalDateTime local) {
      instant = local.toInstant(ZoneOffset.UTC);
    } else if (value instanceof Timestamp timestamp) {
      instant = timestamp.toInstant();
    } else {
      throw new IllegalArgumentException("not a timestamp: " + value.getClass());
    }
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
  }
}
