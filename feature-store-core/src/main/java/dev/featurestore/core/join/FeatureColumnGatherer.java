package dev.featurestore.core.join;

import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies the winners' values of one requested feature into an output column. Four- and eight-byte
 * types are copied by address (see {@link ColumnMemory}); booleans, variable-width values and
 * vectors go through Arrow's setters. Slots without a winner, or whose winner lacks the column,
 * stay null.
 */
final class FeatureColumnGatherer {
  private static final long NO_COLUMN = 0;

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
    if (output instanceof BitVector bits) {
      gatherBits(bits, index, featureIndex, winners, firstSpineRow, rowCount);
    } else if (output instanceof BaseFixedWidthVector fixedWidth
        && (fixedWidth.getTypeWidth() == Long.BYTES
            || fixedWidth.getTypeWidth() == Integer.BYTES)) {
      gatherFixedWidth(fixedWidth, index, featureIndex, winners, firstSpineRow, rowCount);
    } else {
      gatherAny(output, index, featureIndex, winners, firstSpineRow, rowCount);
    }
    output.setValueCount(rowCount);
  }

  private static void gatherFixedWidth(
      BaseFixedWidthVector output,
      FeatureGroupIndex index,
      int featureIndex,
      int[] winners,
      int first,
      int count) {
    if (output.getValueCapacity() < count) {
      throw new IllegalStateException("output column was allocated too small");
    }
    long[] dataAddresses = new long[index.batchCount()];
    long[] validityAddresses = new long[index.batchCount()];
    for (int batch = 0; batch < dataAddresses.length; batch++) {
      FieldVector source = index.batchFeatureVector(batch, featureIndex);
      validityAddresses[batch] = source == null ? NO_COLUMN : source.getValidityBufferAddress();
      dataAddresses[batch] = source == null ? NO_COLUMN : source.getDataBufferAddress();
    }
    long outputData = output.getDataBufferAddress();
    long outputValidity = output.getValidityBufferAddress();
    boolean eightBytes = output.getTypeWidth() == Long.BYTES;
    for (int slot = 0; slot < count; slot++) {
      int winner = winners[first + slot];
      if (winner == FeatureGroupIndex.NO_WINNER) {
        continue;
      }
      int batch = index.batchOf(winner);
      int row = index.rowInBatch(winner);
      long validity = validityAddresses[batch];
      if (validity == NO_COLUMN || !ColumnMemory.isValid(validity, row)) {
        continue;
      }
      if (eightBytes) {
        ColumnMemory.putLong(outputData, slot, ColumnMemory.longAt(dataAddresses[batch], row));
      } else {
        ColumnMemory.putInt(outputData, slot, ColumnMemory.intAt(dataAddresses[batch], row));
      }
      ColumnMemory.setValid(outputValidity, slot);
    }
  }

  private static void gatherBits(
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
