package dev.featurestore.storage.parquet;

import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.StoredRowSchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Maps the stored-row Arrow schema to the Parquet schema of a feature file, using only types that
 * DuckDB, pyarrow and Spark read natively: strings as annotated BINARY, times as INT64
 * TIMESTAMP(MICROS, UTC) and vectors as the standard three-level LIST of FLOAT; and maps a Parquet
 * file's own columns back to Arrow, for files whose Arrow schema is not known beforehand.
 */
final class StoredRowParquetSchema {
  /** The key, event_time and the three system columns, which every stored row has. */
  static final int LEADING_COLUMNS = 5;

  static final String LIST_GROUP = "list";
  static final String LIST_ELEMENT = "element";

  private StoredRowParquetSchema() {}

  static MessageType of(String groupName, Schema arrowSchema) {
    List<Type> fields = new ArrayList<>();
    for (Field field : arrowSchema.getFields()) {
      fields.add(parquetField(field));
    }
    return new MessageType(groupName, fields);
  }

  private static Type parquetField(Field field) {
    Repetition repetition = field.isNullable() ? Repetition.OPTIONAL : Repetition.REQUIRED;
    String name = field.getName();
    ArrowType type = field.getType();
    return switch (type.getTypeID()) {
      case Utf8 ->
          Types.primitive(BINARY, repetition).as(LogicalTypeAnnotation.stringType()).named(name);
      case Binary -> Types.primitive(BINARY, repetition).named(name);
      case Bool -> Types.primitive(BOOLEAN, repetition).named(name);
      case Int -> {
        ArrowType.Int integer = (ArrowType.Int) type;
        if (!integer.getIsSigned()) {
          throw unsupported(field);
        }
        yield switch (integer.getBitWidth()) {
          case 32 -> Types.primitive(INT32, repetition).named(name);
          case 64 -> Types.primitive(INT64, repetition).named(name);
          default -> throw unsupported(field);
        };
      }
      case FloatingPoint ->
          switch (((ArrowType.FloatingPoint) type).getPrecision()) {
            case SINGLE -> Types.primitive(FLOAT, repetition).named(name);
            case DOUBLE -> Types.primitive(DOUBLE, repetition).named(name);
            case HALF -> throw unsupported(field);
          };
      case Timestamp ->
          Types.primitive(INT64, repetition)
              .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
              .named(name);
      case FixedSizeList ->
          Types.buildGroup(repetition)
              .as(LogicalTypeAnnotation.listType())
              .addField(
                  Types.repeatedGroup()
                      .addField(Types.required(FLOAT).named(LIST_ELEMENT))
                      .named(LIST_GROUP))
              .named(name);
      default -> throw unsupported(field);
    };
  }

  private static IllegalArgumentException unsupported(Field field) {
    return new IllegalArgumentException(
        "column " + field.getName() + " has a type feature files do not store: " + field.getType());
  }

  /**
   * The Arrow type of each of the file's columns: the inverse of {@link #of} for every column it
   * writes except vectors, whose dimension a Parquet schema does not record. Every column is
   * nullable; timestamps become UTC microseconds whatever their unit.
   *
   * @throws InvalidInputException naming the column when its type has no Arrow counterpart here
   */
  static Schema toArrow(MessageType parquetSchema) {
    List<Field> fields = new ArrayList<>();
    for (Type column : parquetSchema.getFields()) {
      fields.add(new Field(column.getName(), FieldType.nullable(arrowType(column)), null));
    }
    return new Schema(fields);
  }

  private static ArrowType arrowType(Type column) {
    if (column.isPrimitive() && !column.isRepetition(Repetition.REPEATED)) {
      LogicalTypeAnnotation logical = column.getLogicalTypeAnnotation();
      switch (column.asPrimitiveType().getPrimitiveTypeName()) {
        case BINARY:
          if (logical == null) {
            return ArrowType.Binary.INSTANCE;
          }
          if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation) {
            return ArrowType.Utf8.INSTANCE;
          }
          break;
        case BOOLEAN:
          return ArrowType.Bool.INSTANCE;
        case INT32:
          if (isPlainSigned(logical, 32)) {
            return new ArrowType.Int(32, true);
          }
          break;
        case INT64:
          if (isPlainSigned(logical, 64)) {
            return new ArrowType.Int(64, true);
          }
          if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
            return StoredRowSchema.TIMESTAMP_TYPE;
          }
          break;
        case FLOAT:
          return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
        case DOUBLE:
          return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        default:
          break;
      }
    }
    throw new InvalidInputException(
        column.getName(),
        "has Parquet type '"
            + column.toString().strip()
            + "'; supported: strings, binary, booleans, 32- and 64-bit integers, floats, doubles"
            + " and timestamps");
  }

  static boolean isPlainSigned(LogicalTypeAnnotation logical, int bitWidth) {
    return logical == null
        || (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer
            && integer.isSigned()
            && integer.getBitWidth() == bitWidth);
  }
}
