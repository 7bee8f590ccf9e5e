package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * {@code {"rows":[{"user_id":"u1","event_time":"2026-03-01T12:00:00Z","clicks_7d":3}, ...]}}, read
 * as a token stream so that memory stays bounded by one batch, whatever the body's size.
 */
public final class JsonRowsDecoder implements UploadDecoder {
  /** A property given twice in a row is refused, not resolved by letting the last one win. */
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    try (InputStream body = Files.newInputStream(file);
        JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT, "body", "a JSON object with \"rows\"");
      boolean sawRows = false;
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!"rows".equals(name)) {
          throw new InvalidInputException(name, "unknown field; the body is {\"rows\":[...]}");
        }
        expect(value, JsonToken.START_ARRAY, "rows", "an array of row objects");
        sawRows = true;
        readRows(parser, rows);
      }
      if (!sawRows) {
        throw new InvalidInputException("rows", "is required");
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException("body", "unexpected content after the JSON object");
      }
    } catch (JacksonException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new InvalidInputException(
          rows.rowsStarted() > 0 ? "rows[" + (rows.rowsStarted() - 1) + "]" : "body",
          "malformed JSON" + where + ": " + e.getOriginalMessage());
    }
    rows.finish();
  }

  private static void readRows(JsonParser parser, RowAssembler rows) {
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      rows.startRow();
      if (token != JsonToken.START_OBJECT) {
        throw rows.error("", "each row is a JSON object");
      }
      for (JsonToken field = parser.nextToken();
          field != JsonToken.END_OBJECT;
          field = parser.nextToken()) {
        int column = rows.column(parser.currentName());
        readCell(parser, parser.nextToken(), column, rows);
      }
      rows.endRow();
    }
  }

  private static void readCell(JsonParser parser, JsonToken token, int column, RowAssembler rows) {
    switch (token) {
      case VALUE_NULL -> rows.setNull(column);
      case VALUE_STRING -> rows.setJsonString(column, parser.getString());
      case VALUE_NUMBER_INT -> rows.setLong(column, parser.getLongValue());
      case VALUE_NUMBER_FLOAT -> rows.setDouble(column, parser.getDoubleValue());
      case VALUE_TRUE -> rows.setBoolean(column, true);
      case VALUE_FALSE -> rows.setBoolean(column, false);
      case START_ARRAY -> rows.setVector(column, readFloats(parser, column, rows));
      default -> throw rows.error(column, "unexpected JSON " + token);
    }
  }

  private static float[] readFloats(JsonParser parser, int column, RowAssembler rows) {
    float[] values = new float[16];
    int length = 0;
    for (JsonToken token = parser.nextToken();
        token != JsonToken.END_ARRAY;
        token = parser.nextToken()) {
      double value =
          switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            // As the JSON export writes them, so that its output commits back unchanged.
            case VALUE_STRING ->
                RowAssembler.nonFinite(parser.getString())
                    .orElseThrow(
                        () ->
                            rows.error(
                                column,
                                "vector elements must be numbers, or \"NaN\", \"Infinity\""
                                    + " or \"-Infinity\""));
            default -> throw rows.error(column, "vector elements must be numbers");
          };
      if (length == values.length) {
        values = java.util.Arrays.copyOf(values, values.length * 2);
      }
      values[length++] = rows.float32(column, value);
    }
    return java.util.Arrays.copyOf(values, length);
  }

  private static void expect(JsonToken actual, JsonToken expected, String field, String what) {
    if (actual != expected) {
      throw new InvalidInputException(field, "expected " + what);
    }
  }
}
