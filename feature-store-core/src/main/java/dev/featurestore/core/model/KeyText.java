package dev.featurestore.core.model;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/** A key as lineage, erasures and the API name it: as text, whatever the entity's key type. */
public final class KeyText {
  private KeyText() {}

  /** The key at {@code row} of a key vector (a STRING or an INT64 entity's). */
  public static String of(FieldVector keys, int row) {
    return keys instanceof VarCharVector strings
        ? new String(strings.get(row), StandardCharsets.UTF_8)
        : Long.toString(((BigIntVector) keys).get(row));
  }
}
