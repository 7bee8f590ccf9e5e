package dev.featurestore.core.online;

import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * Stored rows as plain values, turned into Arrow batches of a group's stored-row schema. Feature
 * values: Boolean, Integer, Long, Float, Double, String, byte[], Long (timestamp micros), float[]
 * (vectors), or null.
 */
final class IndexRows {
  private IndexRows() {}

  record Row(Object key, long eventTime, long commitSequence, long rowOrdinal, Object... features) {
    @Override
    public String toString() {
      return key
          + "@"
          + eventTime
          + "#"
          + commitSequence
          + "."
          + rowOrdinal
          + Arrays.toString(features);
    }
  }

  static VectorSchemaRoot batch(FeatureGroup group, List<Row> rows, BufferAllocator allocator) {
    VectorSchemaRoot root = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator);
    root.allocateNew();
    for (int index = 0; index < rows.size(); index++) {
      Row row = rows.get(index);
      FieldVector keyVector = root.getVector(0);
      if (keyVector instanceof VarCharVector strings) {
        strings.setSafe(index, ((String) row.key()).getBytes(StandardCharsets.UTF_8));
      } else {
        ((BigIntVector) keyVector).setSafe(index, (Long) row.key());
      }
      ((TimeStampMicroTZVector) root.getVector(1)).setSafe(index, row.eventTime());
      ((BigIntVector) root.getVector(2)).setSafe(index, row.commitSequence());
      ((TimeStampMicroTZVector) root.getVector(3)).setSafe(index, row.commitSequence());
      ((BigIntVector) root.getVector(4)).setSafe(index, row.rowOrdinal());
      for (int feature = 0; feature < row.features().length; feature++) {
        FieldVector vector = root.getVector(5 + feature);
        Object value = row.features()[feature];
        if (value == null) {
          vector.setNull(index);
        } else {
          set(vector, index, value);
        }
      }
    }
    root.setRowCount(rows.size());
    return root;
  }

  private static void set(FieldVector vector, int index, Object value) {
    if (vector instanceof BitVector bits) {
      bits.setSafe(index, (Boolean) value ? 1 : 0);
    } else if (vector instanceof IntVector ints) {
      ints.setSafe(index, (Integer) value);
    } else if (vector instanceof BigIntVector longs) {
      longs.setSafe(index, (Long) value);
    } else if (vector instanceof TimeStampMicroTZVector times) {
      times.setSafe(index, (Long) value);
    } else if (vector instanceof Float4Vector floats) {
      floats.setSafe(index, (Float) value);
    } else if (vector instanceof Float8Vector doubles) {
      doubles.setSafe(index, (Double) value);
    } else if (vector instanceof VarCharVector strings) {
      strings.setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector bytes) {
      bytes.setSafe(index, (byte[]) value);
    } else if (vector instanceof FixedSizeListVector list) {
      float[] elements = (float[]) value;
      int start = list.startNewValue(index);
      Float4Vector data = (Float4Vector) list.getDataVector();
      for (int i = 0; i < elements.length; i++) {
        data.setSafe(start + i, elements[i]);
      }
    } else {
      throw new IllegalArgumentException("no setter for " + vector.getClass());
    }
  }
}
