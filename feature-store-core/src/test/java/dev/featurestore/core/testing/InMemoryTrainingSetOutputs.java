package dev.featurestore.core.testing;

import dev.featurestore.core.join.JoinTestData;
import dev.featurestore.core.training.TrainingSetOutputs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Training-set outputs kept as rows in memory (column name to value, in {@link JoinTestData}'s
 * normal form); a stored output can be read back by its object key.
 */
public final class InMemoryTrainingSetOutputs implements TrainingSetOutputs {
  private final Map<String, List<Map<String, Object>>> stored = new ConcurrentHashMap<>();

  @Override
  public Output open(UUID trainingSetId, String name) {
    return new RowsOutput();
  }

  /** The rows stored under {@code objectKey}, if any. */
  public Optional<List<Map<String, Object>>> stored(String objectKey) {
    return Optional.ofNullable(stored.get(objectKey));
  }

  public boolean isEmpty() {
    return stored.isEmpty();
  }

  private final class RowsOutput implements Output {
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private List<String> columns;

    @Override
    public void begin(Schema schema) {
      columns = schema.getFields().stream().map(field -> field.getName()).toList();
    }

    @Override
    public void accept(VectorSchemaRoot batch) {
      for (int row = 0; row < batch.getRowCount(); row++) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int column = 0; column < columns.size(); column++) {
          values.put(columns.get(column), JoinTestData.value(batch.getVector(column), row));
        }
        rows.add(values);
      }
    }

    @Override
    public Written finish() {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest(rows.toString().getBytes(StandardCharsets.UTF_8));
        return new Written(HexFormat.of().formatHex(digest), rows.size());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }

    @Override
    public void store(String objectKey) {
      stored.put(objectKey, List.copyOf(rows));
    }

    @Override
    public void close() {}
  }
}
