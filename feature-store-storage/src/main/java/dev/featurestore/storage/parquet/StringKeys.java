package dev.featurestore.storage.parquet;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;

/**
 * STRING keys the catalog can hold: keys go into Postgres text (file key ranges, lineage), which
 * has no U+0000, so an upload with such a key is refused with the row at fault.
 */
public final class StringKeys {
  public static final String NUL_MESSAGE = "a key must not contain the character U+0000";

  private StringKeys() {}

  public static boolean containsNul(String key) {
    return key.indexOf('\0') >= 0;
  }

  /** The first of the first {@code rowCount} keys that holds a NUL byte, or -1. */
  public static int firstRowWithNul(VarCharVector keys, int rowCount) {
    ArrowBuf data = keys.getDataBuffer();
    for (int row = 0; row < rowCount; row++) {
      if (keys.isNull(row)) {
        continue;
      }
      long end = keys.getEndOffset(row);
      for (long position = keys.getStartOffset(row); position < end; position++) {
        if (data.getByte(position) == 0) {
          return row;
        }
      }
    }
    return -1;
  }
}
