package dev.featurestore.core.online;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Collects written values as plain objects (null, Boolean, Long, Float, Double, ...). */
final class RecordingValueWriter implements OnlineValueWriter {
  final List<Object> values = new ArrayList<>();

  @Override
  public void writeNull() {
    values.add(null);
  }

  @Override
  public void writeBoolean(boolean value) {
    values.add(value);
  }

  @Override
  public void writeLong(long value) {
    values.add(value);
  }

  @Override
  public void writeFloat(float value) {
    values.add(value);
  }

  @Override
  public void writeDouble(double value) {
    values.add(value);
  }

  @Override
  public void writeTimestampMicros(long micros) {
    values.add(Instant.EPOCH.plusNanos(micros * 1_000));
  }

  @Override
  public void writeUtf8(byte[] bytes, int offset, int length) {
    values.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
  }

  @Override
  public void writeBinary(byte[] bytes, int offset, int length) {
    values.add(Arrays.toString(Arrays.copyOfRange(bytes, offset, offset + length)));
  }

  @Override
  public void writeFloatVector(float[] elements, int offset, int length) {
    values.add(Arrays.toString(Arrays.copyOfRange(elements, offset, offset + length)));
  }
}
