package dev.featurestore.core.join;

import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The columns of one stored batch that every join reads (key, event time, commit sequence, row
 * ordinal), checked once per batch: present, of the stored type, as long as the batch and without
 * nulls. A stored batch that breaks these rules means a corrupt or foreign file, hence {@link
 * IllegalStateException}.
 */
record StoredColumns(
    FieldVector keys, TimeStampVector eventTimes, BigIntVector commits, BigIntVector ordinals) {

  static StoredColumns of(VectorSchemaRoot batch, FeatureGroup group) {
    ArrowType int64 = new ArrowType.Int(64, true);
    StoredColumns columns =
        new StoredColumns(
            require(
                batch,
                group,
                group.entity().name(),
                StoredRowSchema.keyField(group.entity()).getType()),
            (TimeStampVector)
                require(batch, group, FeatureGroup.EVENT_TIME, StoredRowSchema.TIMESTAMP_TYPE),
            (BigIntVector) require(batch, group, StoredRowSchema.COMMIT_SEQUENCE, int64),
            (BigIntVector) require(batch, group, StoredRowSchema.ROW_ORDINAL, int64));
    int rowCount = batch.getRowCount();
    for (FieldVector column :
        List.of(columns.keys, columns.eventTimes, columns.commits, columns.ordinals)) {
      ColumnMemory.requireValues(column, rowCount);
      if (column.getNullCount() > 0) {
        throw new IllegalStateException(
            "column '" + column.getField().getName() + "' of '" + group.name() + "' has nulls");
      }
    }
    return columns;
  }

  /**
   * A requested feature's column of the batch, or null when the batch's file predates the feature
   * (its values are then null).
   */
  static FieldVector feature(VectorSchemaRoot batch, FeatureGroup group, Field expected) {
    FieldVector vector = batch.getVector(expected.getName());
    if (vector == null) {
      return null;
    }
    if (!vector.getField().getType().equals(expected.getType())) {
      throw new IllegalStateException(
          "stored column '"
              + expected.getName()
              + "' of '"
              + group.name()
              + "' is "
              + vector.getField().getType()
              + ", expected "
              + expected.getType());
    }
    ColumnMemory.requireValues(vector, batch.getRowCount());
    return vector;
  }

  private static FieldVector require(
      VectorSchemaRoot batch, FeatureGroup group, String name, ArrowType type) {
    FieldVector vector = batch.getVector(name);
    if (vector == null || !vector.getField().getType().equals(type)) {
      throw new IllegalStateException(
          "stored rows of '" + group.name() + "' lack column '" + name + "' of type " + type);
    }
    return vector;
  }
}
