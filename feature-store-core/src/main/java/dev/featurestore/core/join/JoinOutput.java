package dev.featurestore.core.join;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Writes a join's output to its sink in spine order: each batch is the spine's columns, sliced
 * without copying, followed by feature columns that the join fills in.
 */
final class JoinOutput {
  /** Fills the (not yet allocated) feature columns of the spine rows {@code first..first+count}. */
  @FunctionalInterface
  interface FeatureColumnsFiller {
    void fill(List<FieldVector> featureColumns, int firstSpineRow, int rowCount) throws IOException;
  }

  private final BufferAllocator spineAllocator;
  private final BufferAllocator featureAllocator;
  private final VectorSchemaRoot spine;
  private final Schema schema;
  private final JoinOutputSink sink;

  /**
   * Spine slices go to {@code spineAllocator}, the caller's, because a slice's transfer accounts
   * the whole spine buffer to its new allocator; feature columns go to the join's own allocator.
   */
  JoinOutput(
      BufferAllocator spineAllocator,
      BufferAllocator featureAllocator,
      PointInTimeJoinRequest request,
      Schema schema,
      JoinOutputSink sink) {
    this.spineAllocator = spineAllocator;
    this.featureAllocator = featureAllocator;
    this.spine = request.spine();
    this.schema = schema;
    this.sink = sink;
  }

  /** The output's feature columns, after the spine's. */
  List<Field> featureFields() {
    List<Field> fields = schema.getFields();
    return fields.subList(spine.getSchema().getFields().size(), fields.size());
  }

  void writeAll(int batchRows, FeatureColumnsFiller filler) throws IOException {
    sink.begin(schema);
    int spineRowCount = spine.getRowCount();
    for (int first = 0; first < spineRowCount; first += batchRows) {
      writeBatch(first, Math.min(batchRows, spineRowCount - first), filler);
    }
  }

  private void writeBatch(int firstSpineRow, int rowCount, FeatureColumnsFiller filler)
      throws IOException {
    List<FieldVector> vectors = new ArrayList<>(schema.getFields().size());
    try {
      for (FieldVector spineVector : spine.getFieldVectors()) {
        TransferPair slice = spineVector.getTransferPair(spineAllocator);
        slice.splitAndTransfer(firstSpineRow, rowCount);
        vectors.add((FieldVector) slice.getTo());
      }
      List<FieldVector> featureColumns = new ArrayList<>();
      for (Field field : featureFields()) {
        FieldVector column = field.createVector(featureAllocator);
        featureColumns.add(column);
        vectors.add(column);
      }
      filler.fill(featureColumns, firstSpineRow, rowCount);
    } catch (IOException | RuntimeException | Error e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
    try (VectorSchemaRoot batch = new VectorSchemaRoot(schema.getFields(), vectors, rowCount)) {
      sink.accept(batch);
    }
  }
}
