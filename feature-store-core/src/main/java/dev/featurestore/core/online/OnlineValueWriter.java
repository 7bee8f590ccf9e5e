package dev.featurestore.core.online;

/**
 * Receives feature values straight from an index's storage, so that a response can be written
 * without materialising values as objects. Arrays passed in belong to the index: read them during
 * the call only.
 */
public interface OnlineValueWriter {
  void writeNull();

  void writeBoolean(boolean value);

  /** INT32 and INT64 values. */
  void writeLong(long value);

  void writeFloat(float value);

  void writeDouble(double value);

  /** TIMESTAMP values, in microseconds since the epoch, UTC. */
  void writeTimestampMicros(long micros);

  void writeUtf8(byte[] bytes, int offset, int length);

  void writeBinary(byte[] bytes, int offset, int length);

  void writeFloatVector(float[] values, int offset, int length);
}
