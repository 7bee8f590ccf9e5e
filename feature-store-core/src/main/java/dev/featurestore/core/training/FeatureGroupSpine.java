package dev.featurestore.core.training;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.read.FeatureGroupVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Every row of a feature group (typically labels) as the spine: its key, {@code event_time} and
 * features, as of the training set's catalog version, in stored order (key, then event time).
 */
public record FeatureGroupSpine(FeatureGroupVersion version) implements SpineSource {
  /** Stored rows start with key and event time; the three system columns follow and are dropped. */
  private static final int FIRST_FEATURE_COLUMN = 5;

  @Override
  public VectorSchemaRoot load(BufferAllocator allocator, List<Entity> entities)
      throws IOException {
    FeatureGroup group = version.group();
    for (Entity entity : entities) {
      if (!entity.name().equals(group.entity().name())) {
        throw new InvalidInputException(
            "spine.featureGroup",
            "group '"
                + group.name()
                + "' is keyed by "
                + group.entity().name()
                + " and cannot provide the key column '"
                + entity.name()
                + "'");
      }
    }
    List<Field> fields = new ArrayList<>();
    Schema stored = StoredRowSchema.of(group);
    fields.add(stored.getFields().get(0));
    fields.add(stored.getFields().get(1));
    fields.addAll(stored.getFields().subList(FIRST_FEATURE_COLUMN, stored.getFields().size()));
    VectorSchemaRoot spine = VectorSchemaRoot.create(new Schema(fields), allocator);
    try {
      spine.allocateNew();
      int[] rowCount = {0};
      version.forEachBatchInStoredOrder(
          batch -> {
            int rows = batch.getRowCount();
            int target = 0;
            for (int column = 0; column < batch.getFieldVectors().size(); column++) {
              if (column >= 2 && column < FIRST_FEATURE_COLUMN) {
                continue;
              }
              FieldVector from = batch.getVector(column);
              FieldVector to = spine.getVector(target++);
              for (int row = 0; row < rows; row++) {
                to.copyFromSafe(row, rowCount[0] + row, from);
              }
            }
            rowCount[0] += rows;
          });
      for (FieldVector vector : spine.getFieldVectors()) {
        vector.setValueCount(rowCount[0]);
      }
      spine.setRowCount(rowCount[0]);
      return spine;
    } catch (IOException | RuntimeException e) {
      spine.close();
      throw e;
    }
  }
}
