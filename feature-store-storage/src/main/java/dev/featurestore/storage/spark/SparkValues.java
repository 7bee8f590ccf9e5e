package dev.featurestore.storage.spark;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;

/**
 * Copies feature values from the vectors of Spark's answer into ours. Spark answers scalars in the
 * Arrow types we store (timestamps as microseconds in the session's UTC), strings and bytes
 * possibly as their large variants, and a {@code FLOAT32_VECTOR} as a variable list, which our
 * output keeps as a fixed-size list.
 */
final class SparkValues {
  private SparkValues() {}

  /** Copies {@code from}'s rows {@code rows[0..count)} to {@code to}'s rows {@code 0..count). */
  static void copy(FieldVector from, FieldVector to, int[] rows, int count) {
    if (to instanceof FixedSizeListVector vectors && from instanceof ListVector lists) {
      copyVectors(lists, vectors, rows, count);
    } else if (to instanceof VarCharVector strings && from instanceof LargeVarCharVector large) {
      for (int row = 0; row < count; row++) {
        if (large.isNull(rows[row])) {
          strings.setNull(row);
        } else {
          strings.setSafe(row, large.get(rows[row]));
        }
      }
    } else if (to instanceof VarBinaryVector bytes && from instanceof LargeVarBinaryVector large) {
      for (int row = 0; row < count; row++) {
        if (large.isNull(rows[row])) {
          bytes.setNull(row);
        } else {
          bytes.setSafe(row, large.get(rows[row]));
        }
      }
    } else if (from.getMinorType() == to.getMinorType()) {
      for (int row = 0; row < count; row++) {
        to.copyFromSafe(rows[row], row, from);
      }
    } else {
      throw new IllegalStateException(
          "Spark answered "
              + from.getField()
              + " for a feature stored as "
              + to.getField()
              + "; no conversion is known");
    }
  }

  private static void copyVectors(
      ListVector lists, FixedSizeListVector vectors, int[] rows, int count) {
    Float4Vector fromValues = (Float4Vector) lists.getDataVector();
    Float4Vector toValues = (Float4Vector) vectors.getDataVector();
    int dimension = vectors.getListSize();
    for (int row = 0; row < count; row++) {
      int from = rows[row];
      if (lists.isNull(from)) {
        vectors.setNull(row);
        continue;
      }
      int start = lists.getElementStartIndex(from);
      if (lists.getElementEndIndex(from) - start != dimension) {
        throw new IllegalStateException(
            "Spark answered a vector of "
                + (lists.getElementEndIndex(from) - start)
                + " values for "
                + vectors.getField().getName()
                + ", whose dimension is "
                + dimension);
      }
      int target = vectors.startNewValue(row);
      for (int i = 0; i < dimension; i++) {
        toValues.setSafe(target + i, fromValues.get(start + i));
      }
    }
  }
}
