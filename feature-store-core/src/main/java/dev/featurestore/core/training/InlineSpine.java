package dev.featurestore.core.training;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A spine given as JSON rows in the request. Key columns take the entity's key type, {@code
 * event_time} must be an ISO-8601 instant with a zone, and every other column passes through with a
 * type inferred from its values: integers, numbers, booleans or strings.
 */
public record InlineSpine(List<Map<String, Object>> rows) implements SpineSource {
  private enum ColumnType {
    KEY_STRING,
    KEY_INT64,
    TIME,
    INT64,
    FLOAT64,
    BOOL,
    STRING
  }

  public InlineSpine {
    rows = List.copyOf(rows);
    if (rows.isEmpty()) {
      throw new InvalidInputException("spine.rows", "the spine needs at least one row");
    }
  }

  @Override
  public VectorSchemaRoot load(BufferAllocator allocator, List<Entity> entities) {
    Map<String, ColumnType> columns = columnTypes(entities);
    List<Field> fields = new ArrayList<>();
    for (Map.Entry<String, ColumnType> column : columns.entrySet()) {
      fields.add(field(column.getKey(), column.getValue()));
    }
    VectorSchemaRoot spine = VectorSchemaRoot.create(new Schema(fields), allocator);
    try {
      spine.allocateNew();
      int columnIndex = 0;
      for (Map.Entry<String, ColumnType> column : columns.entrySet()) {
        FieldVector vector = spine.getVector(columnIndex++);
        for (int row = 0; row < rows.size(); row++) {
          Object value = rows.get(row).get(column.getKey());
          if (value != null) {
            set(
                vector,
                column.getValue(),
                row,
                value,
                "spine.rows[" + row + "]." + column.getKey());
          } else if (column.getValue() == ColumnType.TIME
              || column.getValue() == ColumnType.KEY_STRING
              || column.getValue() == ColumnType.KEY_INT64) {
            throw new InvalidInputException(
                "spine.rows[" + row + "]." + column.getKey(), "is required in every spine row");
          }
        }
        vector.setValueCount(rows.size());
      }
      spine.setRowCount(rows.size());
      return spine;
    } catch (RuntimeException e) {
      spine.close();
      throw e;
    }
  }

  private Map<String, ColumnType> columnTypes(List<Entity> entities) {
    Map<String, ColumnType> columns = new LinkedHashMap<>();
    for (Map<String, Object> row : rows) {
      for (Map.Entry<String, Object> cell : row.entrySet()) {
        ColumnType known = columns.get(cell.getKey());
        ColumnType inferred = inferType(cell.getKey(), cell.getValue(), entities);
        if (known == null || (known == ColumnType.INT64 && inferred == ColumnType.FLOAT64)) {
          columns.put(cell.getKey(), inferred);
        } else if (inferred != null && known != inferred && known != ColumnType.FLOAT64) {
          throw new InvalidInputException(
              "spine.rows." + cell.getKey(), "values of one column must share a type");
        }
      }
    }
    for (Entity entity : entities) {
      if (!columns.containsKey(entity.name())) {
        throw new InvalidInputException(
            "spine.rows", "the spine needs the key column '" + entity.name() + "'");
      }
    }
    if (!columns.containsKey(SPINE_TIME)) {
      throw new InvalidInputException(
          "spine.rows", "the spine needs the column '" + SPINE_TIME + "'");
    }
    columns.replaceAll((name, type) -> type == null ? ColumnType.STRING : type);
    return columns;
  }

  /** The column's type from its name and one value; null when the value is null. */
  private static ColumnType inferType(String name, Object value, List<Entity> entities) {
    for (Entity entity : entities) {
      if (entity.name().equals(name)) {
        return entity.keyType() == KeyType.STRING ? ColumnType.KEY_STRING : ColumnType.KEY_INT64;
      }
    }
    if (SPINE_TIME.equals(name)) {
      return ColumnType.TIME;
    }
    if (value == null) {
      return null;
    }
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof java.math.BigInteger) {
      return ColumnType.INT64;
    }
    if (value instanceof Number) {
      return ColumnType.FLOAT64;
    }
    if (value instanceof Boolean) {
      return ColumnType.BOOL;
    }
    return ColumnType.STRING;
  }

  private static Field field(String name, ColumnType type) {
    ArrowType arrowType =
        switch (type) {
          case KEY_STRING, STRING -> ArrowType.Utf8.INSTANCE;
          case KEY_INT64, INT64 -> new ArrowType.Int(64, true);
          case TIME -> StoredRowSchema.TIMESTAMP_TYPE;
          case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
          case BOOL -> ArrowType.Bool.INSTANCE;
        };
    boolean required =
        type == ColumnType.KEY_STRING || type == ColumnType.KEY_INT64 || type == ColumnType.TIME;
    return new Field(
        name, required ? FieldType.notNullable(arrowType) : FieldType.nullable(arrowType), null);
  }

  private static void set(
      FieldVector vector, ColumnType type, int row, Object value, String field) {
    switch (type) {
      case KEY_STRING, STRING ->
          ((VarCharVector) vector)
              .setSafe(row, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
      case KEY_INT64, INT64 -> {
        if (!(value instanceof Number number)
            || value instanceof Double
            || value instanceof Float) {
          throw new InvalidInputException(field, "expected an integer, got " + value);
        }
        ((BigIntVector) vector).setSafe(row, number.longValue());
      }
      case FLOAT64 -> {
        if (!(value instanceof Number number)) {
          throw new InvalidInputException(field, "expected a number, got " + value);
        }
        ((Float8Vector) vector).setSafe(row, number.doubleValue());
      }
      case BOOL -> ((BitVector) vector).setSafe(row, Boolean.TRUE.equals(value) ? 1 : 0);
      case TIME ->
          ((TimeStampMicroTZVector) vector)
              .setSafe(row, EpochMicros.parse(field, String.valueOf(value)));
    }
  }
}
