package dev.featurestore.core.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schema of a feature group's stored rows, shared by ingestion, Parquet files, the join
 * engine and the online index: the key column (named after the entity), {@code event_time}, the
 * system columns that make storage bitemporal, then the features in definition order.
 *
 * <p>The system columns let "as of commit N" be answered by filtering rows, even after compaction
 * or erasure rewrote the files: {@link #COMMIT_SEQUENCE} and {@link #WRITE_TIME} come from the
 * commit that brought the row, {@link #ROW_ORDINAL} is the row's position in that commit's upload
 * (later wins ties).
 */
public final class StoredRowSchema {
  public static final String COMMIT_SEQUENCE = "_commit_sequence";
  public static final String WRITE_TIME = "_write_time";
  public static final String ROW_ORDINAL = "_row_ordinal";

  /**
   * Files written by an append carry 0 as commit sequence and write time: they are written before
   * the commit that adds them exists. Readers substitute the adding commit's values (sequences
   * start at 1); compaction and erasure write the real values into the files they rewrite.
   */
  public static final long SEQUENCE_OF_ADDING_COMMIT = 0;

  /** Every time in the store: UTC instants with microsecond precision. */
  public static final ArrowType TIMESTAMP_TYPE =
      new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");

  private StoredRowSchema() {}

  public static Schema of(FeatureGroup group) {
    List<Field> fields = new ArrayList<>();
    fields.add(keyField(group.entity()));
    fields.add(notNull(FeatureGroup.EVENT_TIME, TIMESTAMP_TYPE));
    fields.add(notNull(COMMIT_SEQUENCE, new ArrowType.Int(64, true)));
    fields.add(notNull(WRITE_TIME, TIMESTAMP_TYPE));
    fields.add(notNull(ROW_ORDINAL, new ArrowType.Int(64, true)));
    for (FeatureDefinition feature : group.features()) {
      fields.add(featureField(feature));
    }
    return new Schema(fields);
  }

  public static Field keyField(Entity entity) {
    return notNull(entity.name(), keyType(entity.keyType()));
  }

  public static ArrowType keyType(KeyType keyType) {
    return switch (keyType) {
      case STRING -> ArrowType.Utf8.INSTANCE;
      case INT64 -> new ArrowType.Int(64, true);
    };
  }

  /** Features are always nullable: schema evolution adds features that old rows lack. */
  public static Field featureField(FeatureDefinition feature) {
    if (feature.type() == FeatureType.FLOAT32_VECTOR) {
      Field element =
          new Field(
              "element",
              FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
              null);
      return new Field(
          feature.name(),
          FieldType.nullable(new ArrowType.FixedSizeList(feature.dimension())),
          List.of(element));
    }
    return new Field(feature.name(), FieldType.nullable(scalarType(feature.type())), null);
  }

  private static ArrowType scalarType(FeatureType type) {
    return switch (type) {
      case BOOL -> ArrowType.Bool.INSTANCE;
      case INT32 -> new ArrowType.Int(32, true);
      case INT64 -> new ArrowType.Int(64, true);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case STRING -> ArrowType.Utf8.INSTANCE;
      case BYTES -> ArrowType.Binary.INSTANCE;
      case TIMESTAMP -> TIMESTAMP_TYPE;
      case FLOAT32_VECTOR -> throw new IllegalArgumentException("vectors are not scalars");
    };
  }

  private static Field notNull(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }
}
