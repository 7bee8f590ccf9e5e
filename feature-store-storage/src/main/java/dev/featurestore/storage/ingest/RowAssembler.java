package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.StoredRowBatch;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns decoded cells of uploaded rows (by column name) into stored rows, with every check an
 * upload needs: known columns, a non-null key, an event time with a zone and not too far in the
 * future, values of the right type, vectors of the right dimension. Errors name the row and column,
 * e.g. {@code rows[3].clicks_7d}, so that the JSON, CSV, Parquet and Arrow decoders report alike.
 */
public final class RowAssembler {
  private static final int KEY = -2;
  private static final int EVENT_TIME = -1;

  /** The catalog keeps file time ranges in Postgres, which cannot hold years before 4713 BC. */
  private static final Instant EARLIEST_EVENT_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private static final long EARLIEST_EVENT_TIME_MICROS = toMicros(EARLIEST_EVENT_TIME);

  private final FeatureGroup group;
  private final Map<String, Integer> columns = new HashMap<>();
  private final long latestEventTimeMicros;
  private final BatchHandoff handoff;
  private final int rowsPerBatch;
  private StoredRowBatch batch;
  private long rowNumber = -1;
  private boolean keySet;
  private boolean eventTimeSet;

  /** Receives each full batch and gives back an empty one to fill next. */
  public interface BatchHandoff {
    StoredRowBatch handOff(StoredRowBatch full);
  }

  /**
   * @param now the server's clock at the start of the upload
   * @param allowedFutureSkewMicros how far past {@code now} an event time may lie
   * @param first the batch to fill first
   * @param rowsPerBatch when a batch holds this many rows it is handed off
   */
  public RowAssembler(
      FeatureGroup group,
      Instant now,
      long allowedFutureSkewMicros,
      StoredRowBatch first,
      int rowsPerBatch,
      BatchHandoff handoff) {
    this.group = group;
    this.batch = first;
    this.rowsPerBatch = rowsPerBatch;
    this.handoff = handoff;
    columns.put(group.entity().name(), KEY);
    columns.put(FeatureGroup.EVENT_TIME, EVENT_TIME);
    for (int i = 0; i < group.features().size(); i++) {
      columns.put(group.features().get(i).name(), i);
    }
    this.latestEventTimeMicros = toMicros(now) + allowedFutureSkewMicros;
  }

  public FeatureGroup group() {
    return group;
  }

  /**
   * The column's position (a feature index, or the key or event time), failing on unknown names.
   */
  public int column(String name) {
    Integer column = columns.get(name);
    if (column == null) {
      throw error(name, "is not a column of feature group '" + group.name() + "'");
    }
    return column;
  }

  public void startRow() {
    rowNumber++;
    batch.startRow(rowNumber);
    keySet = false;
    eventTimeSet = false;
  }

  /** Checks the row is complete; call after its last cell. */
  public void endRow() {
    if (!keySet) {
      throw error(group.entity().name(), "the key is missing or null");
    }
    if (!eventTimeSet) {
      throw error(FeatureGroup.EVENT_TIME, "is missing or null");
    }
    if (batch.rowCount() >= rowsPerBatch) {
      batch = handoff.handOff(batch);
    }
  }

  /** Hands off the last, partly filled batch; call once after the last row. */
  public void finish() {
    if (batch.rowCount() > 0) {
      batch = handoff.handOff(batch);
    }
  }

  public long rowsStarted() {
    return rowNumber + 1;
  }

  /** A cell given as text (CSV cells, JSON strings), parsed by the column's type. */
  public void setText(int column, String text) {
    if (column == KEY) {
      if (group.entity().keyType() == KeyType.STRING) {
        batch.setKey(text);
        keySet = true;
      } else {
        setLong(column, parseLong(column, text));
      }
      return;
    }
    if (column == EVENT_TIME) {
      setEventTime(parseInstantMicros(column, text));
      return;
    }
    FeatureDefinition feature = group.features().get(column);
    switch (feature.type()) {
      case STRING -> batch.setString(column, text);
      case BYTES -> batch.setBytes(column, decodeBase64(column, text));
      case TIMESTAMP -> batch.setTimestamp(column, parseInstantMicros(column, text));
      case BOOL -> setBoolean(column, parseBoolean(column, text));
      case INT32, INT64 -> setLong(column, parseLong(column, text));
      case FLOAT32, FLOAT64 -> setDouble(column, parseDouble(column, text));
      case FLOAT32_VECTOR -> setVector(column, parseVector(column, text));
    }
  }

  public void setLong(int column, long value) {
    if (column == KEY) {
      if (group.entity().keyType() != KeyType.INT64) {
        throw error(column, "expected a string key");
      }
      batch.setKey(value);
      keySet = true;
      return;
    }
    if (column == EVENT_TIME) {
      throw error(column, "expected an ISO-8601 instant with a zone, e.g. 2026-03-01T12:00:00Z");
    }
    switch (group.features().get(column).type()) {
      case INT64 -> batch.setInt64(column, value);
      case INT32 -> {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
          throw error(column, "value " + value + " does not fit INT32");
        }
        batch.setInt32(column, (int) value);
      }
      case FLOAT32 -> batch.setFloat32(column, value);
      case FLOAT64 -> batch.setFloat64(column, value);
      default -> throw wrongType(column, "an integer");
    }
  }

  public void setDouble(int column, double value) {
    FeatureDefinition feature = feature(column, "a number");
    switch (feature.type()) {
      case FLOAT64 -> batch.setFloat64(column, value);
      case FLOAT32 -> batch.setFloat32(column, (float) value);
      default -> throw wrongType(column, "a floating-point number");
    }
  }

  public void setBoolean(int column, boolean value) {
    FeatureDefinition feature = feature(column, "a boolean");
    if (feature.type() != FeatureType.BOOL) {
      throw wrongType(column, "a boolean");
    }
    batch.setBool(column, value);
  }

  public void setVector(int column, float[] value) {
    FeatureDefinition feature = feature(column, "an array");
    if (feature.type() != FeatureType.FLOAT32_VECTOR) {
      throw wrongType(column, "an array");
    }
    if (value.length != feature.dimension()) {
      throw error(
          column,
          "vector has "
              + value.length
              + " elements, the feature's dimension is "
              + feature.dimension());
    }
    batch.setVector(column, value);
  }

  /** A null cell: allowed for features (null is a value), never for the key or event time. */
  public void setNull(int column) {
    if (column == KEY) {
      throw error(column, "the key must not be null");
    }
    if (column == EVENT_TIME) {
      throw error(column, "must not be null");
    }
    batch.setNull(column);
  }

  /** An instant given as microseconds since the epoch: the event time or a TIMESTAMP feature. */
  public void setInstantMicros(int column, long micros) {
    if (column == EVENT_TIME) {
      setEventTime(micros);
      return;
    }
    if (feature(column, "a timestamp").type() != FeatureType.TIMESTAMP) {
      throw wrongType(column, "a timestamp");
    }
    batch.setTimestamp(column, micros);
  }

  public void setBytes(int column, byte[] value) {
    if (feature(column, "binary").type() != FeatureType.BYTES) {
      throw wrongType(column, "binary");
    }
    batch.setBytes(column, value);
  }

  public void setEventTime(long micros) {
    if (micros < EARLIEST_EVENT_TIME_MICROS) {
      throw error(EVENT_TIME, "is before " + EARLIEST_EVENT_TIME);
    }
    if (micros > latestEventTimeMicros) {
      throw error(
          EVENT_TIME,
          "is more than the allowed skew in the future: "
              + Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
    }
    batch.setEventTime(micros);
    eventTimeSet = true;
  }

  public InvalidInputException error(int column, String message) {
    return error(columnName(column), message);
  }

  public InvalidInputException error(String columnName, String message) {
    String row = "rows[" + Math.max(rowNumber, 0) + "]";
    return new InvalidInputException(columnName.isEmpty() ? row : row + "." + columnName, message);
  }

  private String columnName(int column) {
    if (column == KEY) {
      return group.entity().name();
    }
    if (column == EVENT_TIME) {
      return FeatureGroup.EVENT_TIME;
    }
    return group.features().get(column).name();
  }

  private FeatureDefinition feature(int column, String given) {
    if (column < 0) {
      throw error(
          column,
          "expected " + (column == KEY ? "a key" : "an ISO-8601 instant") + ", got " + given);
    }
    return group.features().get(column);
  }

  private InvalidInputException wrongType(int column, String given) {
    return error(column, "expected " + group.features().get(column).type() + ", got " + given);
  }

  private long parseInstantMicros(int column, String text) {
    try {
      return toMicros(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      throw error(
          column,
          "'" + text + "' is not an ISO-8601 instant with a zone (e.g. 2026-03-01T12:00:00Z)");
    }
  }

  private long parseLong(int column, String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw error(column, "'" + text + "' is not an integer");
    }
  }

  private double parseDouble(int column, String text) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw error(column, "'" + text + "' is not a number");
    }
  }

  private boolean parseBoolean(int column, String text) {
    String value = text.strip();
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw error(column, "'" + text + "' is not true or false");
  }

  private byte[] decodeBase64(int column, String text) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw error(column, "BYTES values are base64; " + e.getMessage());
    }
  }

  /** Vectors in text cells are JSON-like arrays: {@code [0.1, 0.2, 0.3]}. */
  private float[] parseVector(int column, String text) {
    String body = text.strip();
    if (!body.startsWith("[") || !body.endsWith("]")) {
      throw error(column, "a FLOAT32_VECTOR is written as [x, y, ...]");
    }
    body = body.substring(1, body.length() - 1).strip();
    if (body.isEmpty()) {
      return new float[0];
    }
    String[] parts = body.split(",");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = (float) parseDouble(column, parts[i]);
    }
    return values;
  }

  static long toMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }
}
