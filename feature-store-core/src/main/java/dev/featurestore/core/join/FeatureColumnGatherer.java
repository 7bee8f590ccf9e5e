package dev.featurestore.core.join;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;

/**
 * Copies the winners' values of one requested feature into an output column. Fixed-width types get
 * typed loops (no per-value type checks); variable-width values and vectors go through {@code
 * copyFromSafe}. Slots without a winner, or whose winner lacks the column, stay null.
 */
final class FeatureColumnGatherer {
  private FeatureColumnGatherer() {}

  static void gather(
      FieldVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int firstSpineRow,
      int rowCount) {
    output.setInitialCapacity(rowCount);
    output.allocateNew();
    switch (output) {
      case Float8Vector typed ->
          gatherFloat8(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      case BigIntVector typed ->
          gatherBigInt(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      case TimeStampVector typed ->
          gatherTimeStamp(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      case IntVector typed ->
          gatherInt(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      case Float4Vector typed ->
          gatherFloat4(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      case BitVector typed ->
          gatherBit(typed, index, featureIndex, winners, firstSpineRow, rowCount);
      default -> gatherAny(output, index, featureIndex, winners, firstSpineRow, rowCount);
    }
    output.setValueCount(rowCount);
  }

  private static void gatherFloat8(
      Float8Vector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        Float8Vector source = (Float8Vector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherBigInt(
      BigIntVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        BigIntVector source = (BigIntVector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherTimeStamp(
      TimeStampVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        TimeStampVector source = (TimeStampVector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherInt(
      IntVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        IntVector source = (IntVector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherFloat4(
      Float4Vector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        Float4Vector source = (Float4Vector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherBit(
      BitVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        BitVector source = (BitVector) index.featureVector(winner, featureIndex);
        int row = index.rowInBatch(winner);
        if (source != null && !source.isNull(row)) {
          output.set(slot, source.get(row));
        }
      }
    }
  }

  private static void gatherAny(
      FieldVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        FieldVector source = index.featureVector(winner, featureIndex);
        if (source != null) {
          output.copyFromSafe(index.rowInBatch(winner), slot, source);
        }
      }
    }
  }
}
