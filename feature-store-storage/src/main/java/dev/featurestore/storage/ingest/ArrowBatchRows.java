package dev.featurestore.storage.ingest;

import dev.featurestore.core.model.EpochMicros;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.BaseListVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Feeds uploaded Arrow batches (from Arrow IPC streams and Parquet uploads) into a {@link
 * RowAssembler}, matching columns by name, so that every format gets the same row checks: whole
 * columns at once when they already hold the stored types, else cell by cell. A timestamp column
 * without a time zone is refused: it does not say which instant it means.
 */
final class ArrowBatchRows {
  private final RowAssembler rows;
  private final int[] columns;
  private final long[] microsPerUnit;

  ArrowBatchRows(Schema schema, RowAssembler rows) {
    this.rows = rows;
    List<Field> fields = schema.getFields();
    this.columns = new int[fields.size()];
    this.microsPerUnit = new long[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      columns[i] = rows.column(field.getName());
      if (field.getType() instanceof ArrowType.Timestamp timestamp) {
        if (timestamp.getTimezone() == null) {
          throw rows.error(field.getName(), "timestamp column has no time zone; use UTC");
        }
        microsPerUnit[i] = microsPerUnit(timestamp);
      }
    }
  }

  void read(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    if (rows.appendColumns(vectors, columns, batch.getRowCount())) {
      return;
    }
    for (int row = 0; row < batch.getRowCount(); row++) {
      rows.startRow();
      for (int i = 0; i < vectors.size(); i++) {
        readCell(vectors.get(i), row, columns[i], microsPerUnit[i]);
      }
      rows.endRow();
    }
  }

  private void readCell(FieldVector vector, int row, int column, long microsPerUnit) {
    if (vector.isNull(row)) {
      rows.setNull(column);
    } else if (vector instanceof VarCharVector strings) {
      rows.setText(column, new String(strings.get(row), StandardCharsets.UTF_8));
    } else if (vector instanceof TimeStampVector times) {
      rows.setInstantMicros(
          column, scale(times.get(row), microsPerUnit, message -> rows.error(column, message)));
    } else if (vector instanceof BaseIntVector integers) {
      rows.setLong(column, integers.getValueAsLong(row));
    } else if (vector instanceof FloatingPointVector floats) {
      rows.setDouble(column, floats.getValueAsDouble(row));
    } else if (vector instanceof BitVector booleans) {
      rows.setBoolean(column, booleans.get(row) == 1);
    } else if (vector instanceof VarBinaryVector binary) {
      rows.setBytes(column, binary.get(row));
    } else if (vector instanceof FixedSizeListVector || vector instanceof ListVector) {
      rows.setVector(column, floats((BaseListVector) vector, row, column));
    } else {
      throw rows.error(column, "Arrow type " + vector.getField().getType() + " is not supported");
    }
  }

  private float[] floats(BaseListVector list, int row, int column) {
    FieldVector elements = (FieldVector) list.getChildrenFromFields().get(0);
    if (!(elements instanceof FloatingPointVector floats)) {
      throw rows.error(column, "vector elements must be floating-point numbers");
    }
    int start = list.getElementStartIndex(row);
    int end = list.getElementEndIndex(row);
    float[] values = new float[end - start];
    for (int i = start; i < end; i++) {
      if (elements.isNull(i)) {
        throw rows.error(column, "vector elements must not be null");
      }
      values[i - start] = rows.float32(column, floats.getValueAsDouble(i));
    }
    return values;
  }

  /** Multiplier to microseconds, or a negative divisor for nanoseconds. */
  static long microsPerUnit(ArrowType.Timestamp timestamp) {
    return switch (timestamp.getUnit()) {
      case SECOND -> TimeUnit.SECONDS.toMicros(1);
      case MILLISECOND -> TimeUnit.MILLISECONDS.toMicros(1);
      case MICROSECOND -> 1;
      case NANOSECOND -> -1000;
    };
  }

  static long scale(
      long value, long microsPerUnit, Function<String, ? extends RuntimeException> refusal) {
    return microsPerUnit > 0
        ? EpochMicros.ofUnits(value, microsPerUnit, refusal)
        : Math.floorDiv(value, -microsPerUnit);
  }
}
