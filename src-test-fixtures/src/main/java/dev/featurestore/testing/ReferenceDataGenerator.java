package dev.featurestore.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded, deterministic random feature groups and spines for the reference join and its tests.
 * Small time ranges make equal event times, ties across commits and rows on the TTL bound frequent.
 */
public final class ReferenceDataGenerator {
  private final Random random;

  public ReferenceDataGenerator(long seed) {
    this.random = new Random(seed);
  }

  /**
   * The shape of a random group: keys are {@code keyType.key(0..keyCount-1)}, rows come in {@code
   * commitCount} commits (sequences 1..commitCount) of up to {@code maxRowsPerCommit} rows each,
   * event times in {@code [0, timeRangeMicros)}, each value null with {@code nullProbability}.
   */
  public record GroupShape(
      GeneratedKeyType keyType,
      int keyCount,
      int commitCount,
      int maxRowsPerCommit,
      long timeRangeMicros,
      List<GeneratedValueType> valueTypes,
      double nullProbability) {
    public GroupShape {
      valueTypes = List.copyOf(valueTypes);
      if (keyCount < 1 || commitCount < 0 || maxRowsPerCommit < 0 || timeRangeMicros < 1) {
        throw new IllegalArgumentException("counts and the time range must be positive");
      }
    }
  }

  /** A spine key column: keys drawn from {@code keyType.key(0..keyCount-1)}. */
  public record SpineKey(String entityName, GeneratedKeyType keyType, int keyCount) {}

  /** Rows of the group in upload order; not every key gets rows, some get many. */
  public List<ReferenceFeatureRow> featureRows(GroupShape shape) {
    List<ReferenceFeatureRow> rows = new ArrayList<>();
    // Only some keys ever get rows, so spines also probe keys the group has never seen.
    int keysWithRows = Math.max(1, shape.keyCount() - random.nextInt(shape.keyCount() / 3 + 1));
    for (int commit = 1; commit <= shape.commitCount(); commit++) {
      int rowCount = random.nextInt(shape.maxRowsPerCommit() + 1);
      for (int ordinal = 0; ordinal < rowCount; ordinal++) {
        Object key = shape.keyType().key(random.nextInt(keysWithRows));
        long eventTime = (long) (random.nextDouble() * shape.timeRangeMicros());
        List<Object> values = new ArrayList<>(shape.valueTypes().size());
        for (GeneratedValueType type : shape.valueTypes()) {
          values.add(random.nextDouble() < shape.nullProbability() ? null : value(type));
        }
        rows.add(new ReferenceFeatureRow(key, eventTime, commit, ordinal, values));
      }
    }
    return rows;
  }

  /**
   * {@code rowCount} spine rows with times in {@code [-timeRangeMicros/4, timeRangeMicros*5/4)}; a
   * row repeats an earlier one with {@code duplicateProbability}.
   */
  public List<ReferenceSpineRow> spine(
      List<SpineKey> keys, int rowCount, long timeRangeMicros, double duplicateProbability) {
    List<ReferenceSpineRow> spine = new ArrayList<>(rowCount);
    for (int i = 0; i < rowCount; i++) {
      if (!spine.isEmpty() && random.nextDouble() < duplicateProbability) {
        spine.add(spine.get(random.nextInt(spine.size())));
        continue;
      }
      Map<String, Object> rowKeys = new HashMap<>();
      for (SpineKey key : keys) {
        rowKeys.put(key.entityName(), key.keyType().key(random.nextInt(key.keyCount())));
      }
      long time = -timeRangeMicros / 4 + (long) (random.nextDouble() * timeRangeMicros * 1.5);
      spine.add(new ReferenceSpineRow(rowKeys, time));
    }
    return spine;
  }

  /** A random non-null value of {@code type}, as documented on {@link GeneratedValueType}. */
  public Object value(GeneratedValueType type) {
    return switch (type) {
      case BOOL -> random.nextBoolean();
      case INT32 -> random.nextInt();
      case INT64 -> random.nextLong();
      case FLOAT32 -> random.nextFloat() * 1000 - 500;
      case FLOAT64 -> random.nextGaussian() * 1e6;
      case STRING ->
          "s" + Integer.toString(random.nextInt(1_000_000), 36) + (random.nextBoolean() ? "é" : "");
      case BYTES -> {
        byte[] bytes = new byte[random.nextInt(6)];
        random.nextBytes(bytes);
        yield bytes;
      }
      case TIMESTAMP -> random.nextLong(-1L << 50, 1L << 50);
      case FLOAT32_VECTOR -> {
        float[] vector = new float[GeneratedValueType.VECTOR_DIMENSION];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = random.nextFloat();
        }
        yield vector;
      }
    };
  }
}
