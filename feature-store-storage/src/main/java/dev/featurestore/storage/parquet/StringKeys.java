package dev.featurestore.storage.parquet;

import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;

/**
 * STRING keys the catalog can hold and compliance can reach: keys go into Postgres text (file key
 * ranges, lineage), which has no U+0000, and an empty key could be neither looked up in lineage nor
 * erased. An upload with such a key is refused with the row at fault.
 */
public final class StringKeys {
  static final String NUL_MESSAGE = "a key must not contain the character U+0000";
  static final String EMPTY_MESSAGE = "a key must not be empty";

  private StringKeys() {}

  /** Why {@code key} cannot be stored, if it cannot. */
  public static Optional<String> problem(String key) {
    if (key.isEmpty()) {
      return Optional.of(EMPTY_MESSAGE);
    }
    return key.indexOf('\0') >= 0 ? Optional.of(NUL_MESSAGE) : Optional.empty();
  }

  /** The first of the first {@code rowCount} keys that is empty or holds a NUL byte, or -1. */
  public static int firstInvalidRow(VarCharVector keys, int rowCount) {
    ArrowBuf data = keys.getDataBuffer();
    for (int row = 0; row < rowCount; row++) {
      if (keys.isNull(row)) {
        continue;
      }
      long start = keys.getStartOffset(row);
      long end = keys.getEndOffset(row);
      if (start == end) {
        return row;
      }
      for (long position = start; position < end; position++) {
        if (data.getByte(position) == 0) {
          return row;
        }
      }
    }
    return -1;
  }

  /** Why the key at {@code row}, found by {@link #firstInvalidRow}, cannot be stored. */
  public static String problem(VarCharVector keys, int row) {
    return keys.getValueLength(row) == 0 ? EMPTY_MESSAGE : NUL_MESSAGE;
  }
}
