package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.RowDestination;
import dev.featurestore.core.ingest.StoredRowBatch;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.storage.parquet.StringKeys;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Turns decoded cells of uploaded rows (by column name) into stored rows, with every check an
 * upload needs: known columns, a non-null key, an event time with a zone and not too far in the
 * future, values of the right type, vectors of the right dimension. Errors name the row and column,
 * e.g. {@code rows[3].clicks_7d}, so that the JSON, CSV, Parquet and Arrow decoders report alike.
 */
public final class RowAssembler {
  private static final int KEY = -2;
  private static final int EVENT_TIME = -1;

  /** The catalog keeps file time ranges, so event times (of every format) are within its range. */
  private static final Instant EARLIEST_EVENT_TIME = EpochMicros.EARLIEST;

  private static final long EARLIEST_EVENT_TIME_MICROS =
      EpochMicros.of(EARLIEST_EVENT_TIME, IllegalStateException::new);

  private final FeatureGroup group;
  private final Map<String, Integer> columns = new HashMap<>();
  private final long latestEventTimeMicros;
  private final RowDestination.BatchHandoff handoff;
  private final int rowsPerBatch;
  private final UploadBudget budget;
  private StoredRowBatch batch;
  private long rowNumber = -1;
  private boolean keySet;
  private boolean eventTimeSet;

  /** Fills the destination's batches with rows checked by its rules. */
  public RowAssembler(RowDestination destination) {
    this.group = destination.group();
    this.budget = destination.budget();
    this.batch = destination.first();
    this.rowsPerBatch = destination.rowsPerBatch();
    this.handoff = destination.handoff();
    columns.put(group.entity().name(), KEY);
    columns.put(FeatureGroup.EVENT_TIME, EVENT_TIME);
    for (int i = 0; i < group.features().size(); i++) {
      columns.put(group.features().get(i).name(), i);
    }
    this.latestEventTimeMicros =
        EpochMicros.of(destination.now(), IllegalArgumentException::new)
            + destination.allowedFutureSkewMicros();
  }

  public FeatureGroup group() {
    return group;
  }

  /** The upload's limits; columnar decoders also count the bytes they decode against it. */
  public UploadBudget budget() {
    return budget;
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
    budget.addRows(1);
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

  /**
   * Appends a whole decoded batch column by column, where {@code columns[i]} is the {@link #column}
   * of {@code vectors.get(i)}: the fast path of the columnar formats. It applies only when every
   * vector already has its column's stored type (so no cell needs converting) and every row passes
   * the checks; otherwise it returns false having changed nothing, and the caller feeds the batch
   * cell by cell, which raises the error of the first bad row exactly as for any other format.
   */
  public boolean appendColumns(List<FieldVector> vectors, int[] columns, int rowCount) {
    if (!copiesAsIs(vectors, columns, rowCount)) {
      return false;
    }
    budget.addRows(rowCount);
    checkValueSizes(vectors, columns, rowCount);
    int done = 0;
    while (done < rowCount) {
      int count = Math.min(rowCount - done, rowsPerBatch - batch.rowCount());
      int at = batch.startRows(rowNumber + 1, count);
      for (int i = 0; i < columns.length; i++) {
        FieldVector vector = vectors.get(i);
        if (columns[i] == KEY) {
          batch.copyKeys(vector, done, count, at);
        } else if (columns[i] == EVENT_TIME) {
          batch.copyEventTimes(vector, done, count, at);
        } else {
          batch.copyFeature(columns[i], vector, done, count, at);
        }
      }
      rowNumber += count;
      done += count;
      if (batch.rowCount() >= rowsPerBatch) {
        batch = handoff.handOff(batch);
      }
    }
    return true;
  }

  /** The row path checks each string and binary cell it sets; this checks a whole batch's. */
  private void checkValueSizes(List<FieldVector> vectors, int[] columns, int rowCount) {
    for (int i = 0; i < columns.length; i++) {
      if (vectors.get(i) instanceof BaseVariableWidthVector values) {
        for (int row = 0; row < rowCount; row++) {
          long size = values.getEndOffset(row) - values.getStartOffset(row);
          if (!budget.fits(size)) {
            throw budget.valueTooLong(fieldOf(rowNumber + 1 + row, columnName(columns[i])), size);
          }
        }
      }
    }
  }

  /** Whether the row-by-row path would store every cell of the batch unchanged and accept it. */
  private boolean copiesAsIs(List<FieldVector> vectors, int[] columns, int rowCount) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < columns.length; i++) {
      FieldVector vector = vectors.get(i);
      if (!seen.add(columns[i]) || !hasStoredType(vector, columns[i])) {
        return false;
      }
      if (vector instanceof VarCharVector strings && !isUtf8(strings, rowCount)) {
        return false; // the row-by-row path replaces malformed UTF-8; keep that behaviour
      }
      if (columns[i] == KEY
          && vector instanceof VarCharVector keys
          && StringKeys.firstInvalidRow(keys, rowCount) >= 0) {
        return false; // the row-by-row path rejects such a key with the row's number
      }
    }
    if (!seen.contains(KEY) || !seen.contains(EVENT_TIME)) {
      return false;
    }
    for (int i = 0; i < columns.length; i++) {
      FieldVector vector = vectors.get(i);
      if (columns[i] < 0 && vector.getNullCount() > 0) {
        return false;
      }
      if (columns[i] == EVENT_TIME) {
        TimeStampMicroTZVector times = (TimeStampMicroTZVector) vector;
        for (int row = 0; row < rowCount; row++) {
          if (!eventTimeAllowed(times.get(row))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private boolean hasStoredType(FieldVector vector, int column) {
    Field stored =
        switch (column) {
          case KEY -> StoredRowSchema.keyField(group.entity());
          case EVENT_TIME -> StoredRowSchema.of(group).findField(FeatureGroup.EVENT_TIME);
          default -> StoredRowSchema.featureField(group.features().get(column));
        };
    ArrowType type = vector.getField().getType();
    if (type instanceof ArrowType.Timestamp timestamp) {
      // Any zone: the values are UTC instants whatever zone the column names.
      return timestamp.getUnit() == TimeUnit.MICROSECOND
          && timestamp.getTimezone() != null
          && stored.getType() instanceof ArrowType.Timestamp;
    }
    if (vector instanceof FixedSizeListVector list) {
      return type.equals(stored.getType())
          && list.getDataVector() instanceof Float4Vector elements
          && elements.getNullCount() == 0;
    }
    return type.equals(stored.getType());
  }

  /** Whether every value of the first {@code rowCount} is well-formed UTF-8. */
  private static boolean isUtf8(VarCharVector strings, int rowCount) {
    if (rowCount == 0) {
      return true;
    }
    ArrowBuf data = strings.getDataBuffer();
    long start = strings.getStartOffset(0);
    long end = strings.getEndOffset(rowCount - 1);
    long position = start;
    for (; position + Long.BYTES <= end; position += Long.BYTES) {
      if ((data.getLong(position) & 0x8080808080808080L) != 0) {
        break;
      }
    }
    for (; position < end; position++) {
      if (data.getByte(position) < 0) {
        return allValuesDecode(strings, rowCount);
      }
    }
    return true;
  }

  private static boolean allValuesDecode(VarCharVector strings, int rowCount) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    for (int row = 0; row < rowCount; row++) {
      if (strings.isNull(row)) {
        continue;
      }
      try {
        decoder.decode(
            strings
                .getDataBuffer()
                .nioBuffer(strings.getStartOffset(row), strings.getValueLength(row)));
      } catch (CharacterCodingException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * A JSON string cell. A number, boolean or vector column takes a JSON number, boolean or array,
   * not a quoted one ("30" for 30 is a client's mistake to fix, not to guess at), except the floats
   * JSON has no number for, spelt as the JSON export writes them: "NaN", "Infinity", "-Infinity".
   * INT64 values and keys may be quoted: JSON numbers beyond 2^53 lose digits in many clients.
   */
  public void setJsonString(int column, String text) {
    if (column >= 0) {
      FeatureType type = group.features().get(column).type();
      boolean quotedValue =
          switch (type) {
            case INT32, BOOL, FLOAT32_VECTOR -> true;
            case FLOAT32, FLOAT64 -> nonFinite(text).isEmpty();
            case INT64, STRING, BYTES, TIMESTAMP -> false;
          };
      if (quotedValue) {
        throw error(
            column,
            "expected "
                + (type == FeatureType.BOOL
                    ? "true or false"
                    : type == FeatureType.FLOAT32_VECTOR ? "a JSON array of numbers" : "a number")
                + ", got a string; send the value without quotes");
      }
    }
    setText(column, text);
  }

  /** NaN or an infinity, spelt as the JSON export writes the floats JSON has no number for. */
  public static Optional<Double> nonFinite(String text) {
    return switch (text) {
      case "NaN" -> Optional.of(Double.NaN);
      case "Infinity" -> Optional.of(Double.POSITIVE_INFINITY);
      case "-Infinity" -> Optional.of(Double.NEGATIVE_INFINITY);
      default -> Optional.empty();
    };
  }

  /** A cell given as text (CSV cells, JSON strings), parsed by the column's type. */
  public void setText(int column, String text) {
    checkValueSize(column, text.length());
    if (column == KEY) {
      if (group.entity().keyType() == KeyType.STRING) {
        Optional<String> problem = StringKeys.problem(text);
        if (problem.isPresent()) {
          throw error(column, problem.get());
        }
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
      case FLOAT32 -> batch.setFloat32(column, float32(column, value));
      default -> throw wrongType(column, "a floating-point number");
    }
  }

  /** A FLOAT32 value: a finite number beyond FLOAT32's range is refused, not stored as infinity. */
  public float float32(int column, double value) {
    float narrowed = (float) value;
    if (Float.isInfinite(narrowed) && !Double.isInfinite(value)) {
      throw error(column, value + " is beyond FLOAT32's range (3.4e38)");
    }
    return narrowed;
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
    checkValueSize(column, (long) Float.BYTES * value.length);
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
    checkValueSize(column, value.length);
    batch.setBytes(column, value);
  }

  public void setEventTime(long micros) {
    if (eventTimeAllowed(micros)) {
      batch.setEventTime(micros);
      eventTimeSet = true;
      return;
    }
    if (micros < EARLIEST_EVENT_TIME_MICROS) {
      throw error(EVENT_TIME, "is before " + EARLIEST_EVENT_TIME);
    }
    if (micros > latestEventTimeMicros) {
      throw error(
          EVENT_TIME,
          "is more than the allowed skew in the future: " + EpochMicros.toInstant(micros));
    }
  }

  private boolean eventTimeAllowed(long micros) {
    return micros >= EARLIEST_EVENT_TIME_MICROS && micros <= latestEventTimeMicros;
  }

  private void checkValueSize(int column, long size) {
    if (!budget.fits(size)) {
      throw budget.valueTooLong(fieldOf(column), size);
    }
  }

  public InvalidInputException error(int column, String message) {
    return error(columnName(column), message);
  }

  public InvalidInputException error(String columnName, String message) {
    return new InvalidInputException(fieldOf(columnName), message);
  }

  /** The current row's field of the column, e.g. {@code rows[3].clicks_7d}. */
  private String fieldOf(int column) {
    return fieldOf(columnName(column));
  }

  private String fieldOf(String columnName) {
    return fieldOf(Math.max(rowNumber, 0), columnName);
  }

  private static String fieldOf(long row, String columnName) {
    String field = "rows[" + row + "]";
    return columnName.isEmpty() ? field : field + "." + columnName;
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
      return EpochMicros.of(
          OffsetDateTime.parse(text).toInstant(), message -> error(column, message));
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
      values[i] = float32(column, parseDouble(column, parts[i]));
    }
    return values;
  }
}
