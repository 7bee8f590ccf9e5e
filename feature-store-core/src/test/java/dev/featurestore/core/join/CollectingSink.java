package dev.featurestore.core.join;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Keeps the join's output as rows of values in normal form, and the sizes of the batches. */
final class CollectingSink implements JoinOutputSink {
  private Schema schema;
  private final List<List<Object>> rows = new ArrayList<>();
  private final List<Integer> batchSizes = new ArrayList<>();

  @Override
  public void begin(Schema outputSchema) {
    if (schema != null) {
      throw new IllegalStateException("begin called twice");
    }
    schema = outputSchema;
  }

  @Override
  public void accept(VectorSchemaRoot batch) {
    if (!batch.getSchema().equals(schema)) {
      throw new IllegalStateException("batch schema " + batch.getSchema() + " is not " + schema);
    }
    batchSizes.add(batch.getRowCount());
    for (int row = 0; row < batch.getRowCount(); row++) {
      List<Object> values = new ArrayList<>();
      for (int column = 0; column < batch.getFieldVectors().size(); column++) {
        values.add(JoinTestData.value(batch.getVector(column), row));
      }
      rows.add(values);
    }
  }

  Schema schema() {
    return schema;
  }

  List<String> columnNames() {
    return schema.getFields().stream().map(field -> field.getName()).toList();
  }

  List<List<Object>> rows() {
    return rows;
  }

  /** The values of one column, by name, in row order. */
  List<Object> column(String name) {
    int index = columnNames().indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no output column " + name);
    }
    List<Object> values = new ArrayList<>();
    for (List<Object> row : rows) {
      values.add(row.get(index));
    }
    return values;
  }

  List<Integer> batchSizes() {
    return batchSizes;
  }
}
