package dev.featurestore.storage.parquet;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A feature group with every feature type, and deterministic sorted rows for it. */
final class FeatureFileTestData {
  static final int DIMENSION = 768;
  static final long BASE_MICROS = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
  static final long HOUR_MICROS = 3_600_000_000L;

  private FeatureFileTestData() {}

  static List<FeatureDefinition> everyFeatureType() {
    return List.of(
        FeatureDefinition.scalar("flag", FeatureType.BOOL),
        FeatureDefinition.scalar("count", FeatureType.INT32),
        FeatureDefinition.scalar("total", FeatureType.INT64),
        FeatureDefinition.scalar("ratio", FeatureType.FLOAT32),
        FeatureDefinition.scalar("score", FeatureType.FLOAT64),
        FeatureDefinition.scalar("label", FeatureType.STRING),
        FeatureDefinition.scalar("payload", FeatureType.BYTES),
        FeatureDefinition.scalar("seen_at", FeatureType.TIMESTAMP),
        FeatureDefinition.vector("embedding", DIMENSION));
  }

  static FeatureGroup group(KeyType keyType, List<FeatureDefinition> features) {
    Entity entity = new Entity(keyType == KeyType.STRING ? "user_id" : "account_id", keyType, "");
    return new FeatureGroup("user_activity", entity, features, Duration.ZERO, false, "", 1);
  }

  static FeatureGroup everyTypeGroup(KeyType keyType) {
    return group(keyType, everyFeatureType());
  }

  /** String keys in UTF-8 byte order, including the empty string and multi-byte characters. */
  static List<Object> keys(KeyType keyType, int count) {
    List<Object> keys = new ArrayList<>();
    if (keyType == KeyType.STRING) {
      keys.add("");
      for (int index = 0; index < count - 3; index++) {
        keys.add("k%04d".formatted(index));
      }
      keys.add("z\u00e9");
      keys.add("z\uD83D\uDE00");
    } else {
      for (int index = 0; index < count; index++) {
        keys.add(-5_000_000_000L + index * 1_000_003L);
      }
    }
    return keys;
  }

  /** {@code versions} rows per key with rising event times; the last two share an event time. */
  static List<StoredRows.Row> rows(KeyType keyType, int keyCount, int versions) {
    List<StoredRows.Row> rows = new ArrayList<>();
    int number = 0;
    for (Object key : keys(keyType, keyCount)) {
      for (int version = 0; version < versions; version++) {
        long eventTime = BASE_MICROS + HOUR_MICROS * Math.min(version, versions - 2);
        long commitSequence = 1L + number % 4 + version;
        rows.add(
            new StoredRows.Row(
                key,
                eventTime,
                commitSequence,
                BASE_MICROS + 86_400_000_000L + commitSequence,
                number,
                everyTypeValues(number)));
        number++;
      }
    }
    return rows;
  }

  /** Values for {@link #everyFeatureType()}, each feature null on a different row. */
  static List<Object> everyTypeValues(int number) {
    List<Object> values = new ArrayList<>();
    values.add(number % 7 == 0 ? null : number % 2 == 0);
    values.add(number % 7 == 1 ? null : number * 31 - 1000);
    values.add(number % 7 == 2 ? null : number * 1_000_000_007L);
    values.add(number % 7 == 3 ? null : number / 3.0f);
    values.add(number % 7 == 4 ? null : number * 0.1 - 5);
    values.add(number % 7 == 5 ? null : number % 5 == 0 ? "" : "label-" + number + "\u00e9");
    values.add(
        number % 7 == 6
            ? null
            : number % 4 == 0
                ? ByteBuffer.allocate(0)
                : ByteBuffer.wrap(new byte[] {(byte) number, (byte) (number + 1), -1}));
    values.add(number % 3 == 0 ? null : BASE_MICROS - number * 1_000L);
    values.add(number % 5 == 2 ? null : vector(number));
    return values;
  }

  static List<Float> vector(int number) {
    List<Float> elements = new ArrayList<>(DIMENSION);
    for (int element = 0; element < DIMENSION; element++) {
      elements.add(number + element * 0.25f);
    }
    return elements;
  }
}
