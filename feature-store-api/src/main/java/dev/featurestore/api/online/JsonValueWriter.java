package dev.featurestore.api.online;

import dev.featurestore.core.online.OnlineValueWriter;
import tools.jackson.core.JsonGenerator;

/** Writes index values as JSON values: timestamps as ISO-8601 strings, bytes as base64. */
final class JsonValueWriter implements OnlineValueWriter {
  private final JsonGenerator json;
  private final char[] digits = new char[ShortestDecimal.MAX_CHARS];

  JsonValueWriter(JsonGenerator json) {
    this.json = json;
  }

  @Override
  public void writeNull() {
    json.writeNull();
  }

  @Override
  public void writeBoolean(boolean value) {
    json.writeBoolean(value);
  }

  @Override
  public void writeLong(long value) {
    json.writeNumber(value);
  }

  @Override
  public void writeFloat(float value) {
    json.writeNumber(value);
  }

  @Override
  public void writeDouble(double value) {
    if (Double.isFinite(value)) {
      // The same characters as the generator's writeNumber(double), without a String per value.
      json.writeNumber(digits, 0, ShortestDecimal.write(value, digits, 0));
    } else {
      json.writeNumber(value);
    }
  }

  @Override
  public void writeTimestampMicros(long micros) {
    json.writeString(Timestamps.format(micros));
  }

  @Override
  public void writeUtf8(byte[] bytes, int offset, int length) {
    json.writeUTF8String(bytes, offset, length);
  }

  @Override
  public void writeBinary(byte[] bytes, int offset, int length) {
    json.writeBinary(bytes, offset, length);
  }

  @Override
  public void writeFloatVector(float[] values, int offset, int length) {
    json.writeStartArray();
    for (int i = offset; i < offset + length; i++) {
      json.writeNumber(values[i]);
    }
    json.writeEndArray();
  }
}
