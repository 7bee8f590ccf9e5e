package dev.featurestore.core.ingest;

import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
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
 * Rows of one feature group being decoded from an upload, in the stored-row schema. Decoders call
 * {@link #startRow}, set the key, the event time and any features (unset features stay null), and
 * the batch is handed on once full. The commit sequence and write time are filled when the commit
 * is made.
 */
public final class StoredRowBatch implements AutoCloseable {
  private static final int FIRST_FEATURE_COLUMN = 5;

  private final FeatureGroup group;
  private final VectorSchemaRoot root;
  private final FieldVector key;
  private final TimeStampMicroTZVector eventTime;
  private final BigIntVector rowOrdinal;
  private final List<FieldVector> features;
  private int rows;

  public StoredRowBatch(FeatureGroup group, BufferAllocator allocator) {
    this.group = group;
    this.root = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator);
    root.allocateNew();
    List<FieldVector> vectors = root.getFieldVectors();
    this.key = vectors.get(0);
    this.eventTime = (TimeStampMicroTZVector) vectors.get(1);
    this.rowOrdinal = (BigIntVector) vectors.get(4);
    this.features = vectors.subList(FIRST_FEATURE_COLUMN, vectors.size());
  }

  public FeatureGroup group() {
    return group;
  }

  public int rowCount() {
    return rows;
  }

  /** Starts a new row; {@code ordinal} is its position in the whole upload (later wins ties). */
  public void startRow(long ordinal) {
    rowOrdinal.setSafe(rows, ordinal);
    rows++;
  }

  private int row() {
    return rows - 1;
  }

  /**
   * Starts {@code count} rows at once, numbered from {@code firstOrdinal}, and returns the position
   * of the first; fill them with {@link #copyKeys}, {@link #copyEventTimes} and {@link
   * #copyFeature} (features not copied stay null).
   */
  public int startRows(long firstOrdinal, int count) {
    int first = rows;
    while (rowOrdinal.getValueCapacity() < first + count) {
      rowOrdinal.reAlloc();
    }
    for (int i = 0; i < count; i++) {
      rowOrdinal.set(first + i, firstOrdinal + i);
    }
    rows += count;
    return first;
  }

  /**
   * Copies rows {@code from..from + count - 1} of {@code source}, a vector of the key's stored
   * type, to the rows from {@code at}.
   */
  public void copyKeys(FieldVector source, int from, int count, int at) {
    copy(source, from, count, key, at);
  }

  /** Like {@link #copyKeys}, for microsecond UTC event times. */
  public void copyEventTimes(FieldVector source, int from, int count, int at) {
    copy(source, from, count, eventTime, at);
  }

  /** Like {@link #copyKeys}, for a vector of the feature's stored type. */
  public void copyFeature(int feature, FieldVector source, int from, int count, int at) {
    copy(source, from, count, features.get(feature), at);
  }

  private void copy(FieldVector source, int from, int count, FieldVector target, int at) {
    VectorGather.copyRange(source, from, count, target, at);
  }

  public void setKey(String value) {
    ((VarCharVector) key).setSafe(row(), value.getBytes(StandardCharsets.UTF_8));
  }

  public void setKey(long value) {
    ((BigIntVector) key).setSafe(row(), value);
  }

  public void setEventTime(long micros) {
    eventTime.setSafe(row(), micros);
  }

  public void setBool(int feature, boolean value) {
    ((BitVector) features.get(feature)).setSafe(row(), value ? 1 : 0);
  }

  public void setInt32(int feature, int value) {
    ((IntVector) features.get(feature)).setSafe(row(), value);
  }

  public void setInt64(int feature, long value) {
    ((BigIntVector) features.get(feature)).setSafe(row(), value);
  }

  public void setFloat32(int feature, float value) {
    ((Float4Vector) features.get(feature)).setSafe(row(), value);
  }

  public void setFloat64(int feature, double value) {
    ((Float8Vector) features.get(feature)).setSafe(row(), value);
  }

  public void setString(int feature, String value) {
    ((VarCharVector) features.get(feature)).setSafe(row(), value.getBytes(StandardCharsets.UTF_8));
  }

  public void setBytes(int feature, byte[] value) {
    ((VarBinaryVector) features.get(feature)).setSafe(row(), value);
  }

  public void setTimestamp(int feature, long micros) {
    ((TimeStampMicroTZVector) features.get(feature)).setSafe(row(), micros);
  }

  /** Sets a FLOAT32_VECTOR; the caller has checked the length against the dimension. */
  public void setVector(int feature, float[] value) {
    FixedSizeListVector vector = (FixedSizeListVector) features.get(feature);
    int start = vector.startNewValue(row());
    Float4Vector elements = (Float4Vector) vector.getDataVector();
    for (int i = 0; i < value.length; i++) {
      elements.setSafe(start + i, value[i]);
    }
  }

  /** Leaves the feature null in the current row (the default; here for decoders that say so). */
  public void setNull(int feature) {
    FieldVector vector = features.get(feature);
    if (vector instanceof BaseFixedWidthVector fixed) {
      fixed.setNull(row());
    } else if (vector instanceof BaseVariableWidthVector variable) {
      variable.setNull(row());
    } else {
      ((FixedSizeListVector) vector).setNull(row());
    }
  }

  public FeatureDefinition feature(int feature) {
    return group.features().get(feature);
  }

  /**
   * The decoded rows; the batch keeps ownership of the vectors. The commit sequence and write time
   * are {@link StoredRowSchema#SEQUENCE_OF_ADDING_COMMIT}: the commit that adds the file is not
   * known yet.
   */
  public VectorSchemaRoot finish() {
    BigIntVector commitSequence = (BigIntVector) root.getVector(StoredRowSchema.COMMIT_SEQUENCE);
    TimeStampMicroTZVector writeTime =
        (TimeStampMicroTZVector) root.getVector(StoredRowSchema.WRITE_TIME);
    for (int row = 0; row < rows; row++) {
      commitSequence.setSafe(row, StoredRowSchema.SEQUENCE_OF_ADDING_COMMIT);
      writeTime.setSafe(row, StoredRowSchema.SEQUENCE_OF_ADDING_COMMIT);
    }
    root.setRowCount(rows);
    return root;
  }

  @Override
  public void close() {
    root.close();
  }
}
