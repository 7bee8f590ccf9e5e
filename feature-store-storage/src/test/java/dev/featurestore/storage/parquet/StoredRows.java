package dev.featurestore.storage.parquet;

import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Stored rows as plain values, to build Arrow batches from and compare read batches with. Feature
 * values: Boolean, Integer, Long, Float, Double, String, ByteBuffer (bytes), Long (timestamp
 * micros), List of Float (vectors), or null.
 */
final class StoredRows {
  private StoredRows() {}

  record Row(
      Object key,
      long eventTime,
      long commitSequence,
      long writeTime,
      long rowOrdinal,
      List<Object> features) {}

  static VectorSchemaRoot batch(FeatureGroup group, List<Row> rows, BufferAllocator allocator) {
    Schema schema = StoredRowSchema.of(group);
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
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
      ((TimeStampMicroTZVector) root.getVector(3)).setSafe(index, row.writeTime());
      ((BigIntVector) root.getVector(4)).setSafe(index, row.rowOrdinal());
      for (int feature = 0; feature < group.features().size(); feature++) {
        Object value = row.features().get(feature);
        if (value != null) {
          setValue(root.getVector(5 + feature), index, value);
        }
      }
    }
    root.setRowCount(rows.size());
    return root;
  }

  private static void setValue(FieldVector vector, int index, Object value) {
    switch (vector) {
      case BitVector bits -> bits.setSafe(index, (Boolean) value ? 1 : 0);
      case IntVector ints -> ints.setSafe(index, (Integer) value);
      case BigIntVector longs -> longs.setSafe(index, (Long) value);
      case Float4Vector floats -> floats.setSafe(index, (Float) value);
      case Float8Vector doubles -> doubles.setSafe(index, (Double) value);
      case VarCharVector strings ->
          strings.setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
      case VarBinaryVector bytes -> {
        ByteBuffer buffer = (ByteBuffer) value;
        bytes.setSafe(index, buffer.duplicate(), buffer.position(), buffer.remaining());
      }
      case TimeStampMicroTZVector times -> times.setSafe(index, (Long) value);
      case FixedSizeListVector lists -> {
        List<?> elements = (List<?>) value;
        Float4Vector data = (Float4Vector) lists.getDataVector();
        for (int element = 0; element < elements.size(); element++) {
          data.setSafe(index * lists.getListSize() + element, (Float) elements.get(element));
        }
        lists.setNotNull(index);
      }
      default -> throw new IllegalArgumentException("no test support for " + vector);
    }
  }

  /** Every row of the reader, converted to plain values. */
  static List<Row> readAll(FeatureFileReader reader) throws IOException {
    List<Row> rows = new ArrayList<>();
    while (reader.loadNextBatch()) {
      rows.addAll(rowsOf(reader.batch()));
    }
    return rows;
  }

  static List<Row> rowsOf(VectorSchemaRoot batch) {
    List<Row> rows = new ArrayList<>();
    List<FieldVector> vectors = batch.getFieldVectors();
    for (int index = 0; index < batch.getRowCount(); index++) {
      List<Object> features = new ArrayList<>();
      for (int feature = 5; feature < vectors.size(); feature++) {
        features.add(valueOf(vectors.get(feature), index));
      }
      rows.add(
          new Row(
              valueOf(vectors.get(0), index),
              ((TimeStampMicroTZVector) vectors.get(1)).get(index),
              ((BigIntVector) vectors.get(2)).get(index),
              ((TimeStampMicroTZVector) vectors.get(3)).get(index),
              ((BigIntVector) vectors.get(4)).get(index),
              features));
    }
    return rows;
  }

  private static Object valueOf(FieldVector vector, int index) {
    if (vector.isNull(index)) {
      return null;
    }
    return switch (vector) {
      case VarCharVector strings -> new String(strings.get(index), StandardCharsets.UTF_8);
      case VarBinaryVector bytes -> ByteBuffer.wrap(bytes.get(index));
      case FixedSizeListVector lists -> List.copyOf(lists.getObject(index));
      default -> vector.getObject(index);
    };
  }

  /** The row with only the features at {@code positions} of the group's definition order. */
  static Row project(Row row, List<Integer> positions) {
    List<Object> features = new ArrayList<>();
    for (int position : positions) {
      features.add(row.features().get(position));
    }
    return new Row(
        row.key(),
        row.eventTime(),
        row.commitSequence(),
        row.writeTime(),
        row.rowOrdinal(),
        features);
  }

  static List<String> featureNames(FeatureGroup group) {
    return group.features().stream().map(FeatureDefinition::name).toList();
  }
}
