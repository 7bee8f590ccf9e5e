package dev.featurestore.core.model;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/** The one spelling of a key as lineage and erasures name it: as text. */
public final class KeyText {
  private KeyText() {}

  /**
   * The key in a non-null row of a key column. Feature files and training-set outputs hold the
   * entity's key type; an uploaded spine's key column may also hold 32-bit integers, or text (CSV)
   * that a training set parses as an INT64 entity's integer keys, and so is spelt as the integer it
   * spells.
   */
  public static String of(FieldVector keys, int row, KeyType keyType) {
    if (keys instanceof BaseIntVector integers) {
      return Long.toString(integers.getValueAsLong(row));
    }
    String text = new String(((VarCharVector) keys).get(row), StandardCharsets.UTF_8);
    if (keyType == KeyType.INT64) {
      try {
        return Long.toString(Long.parseLong(text.strip()));
      } catch (NumberFormatException notANumber) {
        // No INT64 key spells this text; a training set would reject the row.
      }
    }
    return text;
  }
}
