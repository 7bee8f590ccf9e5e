package dev.featurestore.core.join;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.testing.ReferenceFeatureRow;
import dev.featurestore.testing.ReferenceSpineRow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Converts between the fixtures' plain rows and Arrow batches. Values are compared in a normal
 * form: {@code byte[]} as hex strings and {@code float[]} as lists, so that equals works.
 */
public final class JoinTestData {
  private JoinTestData() {}

  /**
   * A source that builds one fresh batch per list of rows on every read, as a file reader would.
   */
  static StoredRowSource source(
      BufferAllocator allocator, FeatureGroup group, List<List<ReferenceFeatureRow>> batches) {
    return consumer -> {
      for (List<ReferenceFeatureRow> rows : batches) {
        try (VectorSchemaRoot batch = storedRows(allocator, StoredRowSchema.of(group), rows)) {
          consumer.accept(batch);
        }
      }
    };
  }

  /** Rows in {@code schema}, a {@code StoredRowSchema} or one lacking some feature columns. */
  static VectorSchemaRoot storedRows(
      BufferAllocator allocator, Schema schema, List<ReferenceFeatureRow> rows) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    root.allocateNew();
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < rows.size(); row++) {
      ReferenceFeatureRow stored = rows.get(row);
      setValue(vectors.get(0), row, stored.key());
      setValue(vectors.get(1), row, stored.eventTimeMicros());
      setValue(vectors.get(2), row, stored.commitSequence());
      setValue(vectors.get(3), row, stored.commitSequence() * 1_000);
      setValue(vectors.get(4), row, stored.rowOrdinal());
      for (int feature = 0; feature < vectors.size() - 5; feature++) {
        setValue(vectors.get(5 + feature), row, stored.values().get(feature));
      }
    }
    root.setRowCount(rows.size());
    return root;
  }

  /** A spine with a key column per entity, then the spine time column {@code spine_time}. */
  static VectorSchemaRoot spine(
      BufferAllocator allocator, List<Entity> entities, List<ReferenceSpineRow> rows) {
    List<Field> fields = new ArrayList<>();
    for (Entity entity : entities) {
      fields.add(StoredRowSchema.keyField(entity));
    }
    fields.add(
        new Field("spine_time", FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null));
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    root.allocateNew();
    for (int row = 0; row < rows.size(); row++) {
      for (int e = 0; e < entities.size(); e++) {
        setValue(root.getVector(e), row, rows.get(row).key(entities.get(e).name()));
      }
      setValue(root.getVector(entities.size()), row, rows.get(row).spineTimeMicros());
    }
    root.setRowCount(rows.size());
    return root;
  }

  public static void setValue(FieldVector vector, int row, Object value) {
    if (value == null) {
      if (vector instanceof FixedSizeListVector list) {
        list.startNewValue(row); // keeps the child's slots in step with the rows
      }
      vector.setNull(row);
      return;
    }
    switch (vector) {
      case BitVector bits -> bits.setSafe(row, (Boolean) value ? 1 : 0);
      case IntVector ints -> ints.setSafe(row, (Integer) value);
      case BigIntVector longs -> longs.setSafe(row, (Long) value);
      case Float4Vector floats -> floats.setSafe(row, (Float) value);
      case Float8Vector doubles -> doubles.setSafe(row, (Double) value);
      case TimeStampVector times -> times.setSafe(row, (Long) value);
      case VarCharVector strings ->
          strings.setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
      case VarBinaryVector bytes -> bytes.setSafe(row, (byte[]) value);
      case FixedSizeListVector list -> {
        float[] elements = (float[]) value;
        int start = list.startNewValue(row);
        Float4Vector child = (Float4Vector) list.getDataVector();
        for (int i = 0; i < elements.length; i++) {
          child.setSafe(start + i, elements[i]);
        }
      }
      default -> throw new IllegalArgumentException("unexpected vector " + vector.getField());
    }
  }

  /** The value at {@code row} in normal form, or null. */
  public static Object value(FieldVector vector, int row) {
    if (vector.isNull(row)) {
      return null;
    }
    return switch (vector) {
      case BitVector bits -> bits.get(row) == 1;
      case IntVector ints -> ints.get(row);
      case BigIntVector longs -> longs.get(row);
      case Float4Vector floats -> floats.get(row);
      case Float8Vector doubles -> doubles.get(row);
      case TimeStampVector times -> times.get(row);
      case VarCharVector strings -> new String(strings.get(row), StandardCharsets.UTF_8);
      case VarBinaryVector bytes -> HexFormat.of().formatHex(bytes.get(row));
      case FixedSizeListVector list -> {
        Float4Vector child = (Float4Vector) list.getDataVector();
        List<Float> elements = new ArrayList<>();
        for (int i = 0; i < list.getListSize(); i++) {
          elements.add(child.get(row * list.getListSize() + i));
        }
        yield elements;
      }
      default -> throw new IllegalArgumentException("unexpected vector " + vector.getField());
    };
  }

  /** A fixture value in the normal form of {@link #value}. */
  static Object normalForm(Object value) {
    return switch (value) {
      case byte[] bytes -> HexFormat.of().formatHex(bytes);
      case float[] elements -> {
        List<Float> list = new ArrayList<>();
        for (float element : elements) {
          list.add(element);
        }
        yield list;
      }
      case null -> null;
      default -> value;
    };
  }
}
