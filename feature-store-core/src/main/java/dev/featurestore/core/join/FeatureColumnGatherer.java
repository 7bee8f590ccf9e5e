package dev.featurestore.core.join;

import java.util.Arrays;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies the winners' values of requested features into output columns. Four- and eight-byte types
 * are copied by address (see {@link ColumnMemory}); booleans, variable-width values and vectors go
 * through Arrow's setters. Slots without a winner, or whose winner lacks the column, stay null.
 *
 * <p>Winners of consecutive spine rows lie all over the stored batches, so reading them in spine
 * order misses the cache on every value. {@link #plan} orders one output batch's winners by source
 * batch and row once, and every fixed-width column is then read front to back, batch by batch; the
 * writes land anywhere in the output column, which is small enough to stay in cache.
 */
final class FeatureColumnGatherer {
  private static final int SLOT_BITS = 32;
  private static final long SLOT_MASK = 0xFFFF_FFFFL;

  private final FeatureGroupIndex index;
  private final int[] winners;
  private final int firstSpineRow;
  private final int rowCount;

  /** Where each source batch's entries start in {@link #rowsAndSlots}, plus the end. */
  private final int[] batchStarts;

  /** Per winner, {@code row in batch << 32 | output slot}, sorted within each batch's run. */
  private final long[] rowsAndSlots;

  private FeatureColumnGatherer(
      FeatureGroupIndex index,
      int[] winners,
      int firstSpineRow,
      int rowCount,
      int[] batchStarts,
      long[] rowsAndSlots) {
    this.index = index;
    this.winners = winners;
    this.firstSpineRow = firstSpineRow;
    this.rowCount = rowCount;
    this.batchStarts = batchStarts;
    this.rowsAndSlots = rowsAndSlots;
  }

  /**
   * Orders the winners of spine rows {@code firstSpineRow..firstSpineRow+rowCount} (output slots
   * {@code 0..rowCount}) by their place in the stored batches; the plan serves every column.
   */
  static FeatureColumnGatherer plan(
      FeatureGroupIndex index, int[] winners, int firstSpineRow, int rowCount) {
    int batchCount = index.batchCount();
    int[] batchStarts = new int[batchCount + 1];
    int[] batchOfSlot = new int[rowCount];
    int withWinner = 0;
    for (int slot = 0; slot < rowCount; slot++) {
      int winner = winners[firstSpineRow + slot];
      if (winner == FeatureGroupIndex.NO_WINNER) {
        batchOfSlot[slot] = -1;
      } else {
        int batch = index.batchOf(winner);
        batchOfSlot[slot] = batch;
        batchStarts[batch + 1]++;
        withWinner++;
      }
    }
    for (int batch = 0; batch < batchCount; batch++) {
      batchStarts[batch + 1] += batchStarts[batch];
    }
    long[] rowsAndSlots = new long[withWinner];
    int[] next = Arrays.copyOf(batchStarts, batchCount);
    for (int slot = 0; slot < rowCount; slot++) {
      int batch = batchOfSlot[slot];
      if (batch >= 0) {
        long row = index.rowInBatch(winners[firstSpineRow + slot]);
        rowsAndSlots[next[batch]++] = row << SLOT_BITS | slot;
      }
    }
    for (int batch = 0; batch < batchCount; batch++) {
      Arrays.sort(rowsAndSlots, batchStarts[batch], batchStarts[batch + 1]);
    }
    return new FeatureColumnGatherer(
        index, winners, firstSpineRow, rowCount, batchStarts, rowsAndSlots);
  }

  /** Fills {@code output}, allocated here, with the winners' values of one requested feature. */
  void gather(FieldVector output, int featureIndex) {
    output.setInitialCapacity(rowCount);
    output.allocateNew();
    if (output instanceof BitVector bits) {
      gatherBits(bits, featureIndex);
    } else if (output instanceof BaseFixedWidthVector fixedWidth
        && (fixedWidth.getTypeWidth() == Long.BYTES
            || fixedWidth.getTypeWidth() == Integer.BYTES)) {
      gatherFixedWidth(fixedWidth, featureIndex);
    } else {
      gatherInSpineOrder(output, featureIndex);
    }
    output.setValueCount(rowCount);
  }

  private void gatherFixedWidth(BaseFixedWidthVector output, int featureIndex) {
    if (output.getValueCapacity() < rowCount) {
      throw new IllegalStateException("output column was allocated too small");
    }
    long outputData = output.getDataBufferAddress();
    long outputValidity = output.getValidityBufferAddress();
    boolean eightBytes = output.getTypeWidth() == Long.BYTES;
    for (int batch = 0; batch < batchStarts.length - 1; batch++) {
      FieldVector source = index.batchFeatureVector(batch, featureIndex);
      if (source == null) {
        continue;
      }
      long validity = source.getValidityBufferAddress();
      long data = source.getDataBufferAddress();
      for (int entry = batchStarts[batch]; entry < batchStarts[batch + 1]; entry++) {
        int row = (int) (rowsAndSlots[entry] >>> SLOT_BITS);
        int slot = (int) (rowsAndSlots[entry] & SLOT_MASK);
        if (!ColumnMemory.isValid(validity, row)) {
          continue;
        }
        if (eightBytes) {
          ColumnMemory.putLong(outputData, slot, ColumnMemory.longAt(data, row));
        } else {
          ColumnMemory.putInt(outputData, slot, ColumnMemory.intAt(data, row));
        }
        ColumnMemory.setValid(outputValidity, slot);
      }
    }
  }

  private void gatherBits(BitVector output, int featureIndex) {
    for (int batch = 0; batch < batchStarts.length - 1; batch++) {
      BitVector source = (BitVector) index.batchFeatureVector(batch, featureIndex);
      if (source == null) {
        continue;
      }
      for (int entry = batchStarts[batch]; entry < batchStarts[batch + 1]; entry++) {
        int row = (int) (rowsAndSlots[entry] >>> SLOT_BITS);
        if (!source.isNull(row)) {
          output.set((int) (rowsAndSlots[entry] & SLOT_MASK), source.get(row));
        }
      }
    }
  }

  /** Variable-width vectors must be written slot after slot, so these go in spine order. */
  private void gatherInSpineOrder(FieldVector output, int featureIndex) {
    for (int slot = 0; slot < rowCount; slot++) {
      int winner = winners[firstSpineRow + slot];
      if (winner != FeatureGroupIndex.NO_WINNER) {
        FieldVector source = index.featureVector(winner, featureIndex);
        if (source != null) {
          output.copyFromSafe(index.rowInBatch(winner), slot, source);
        }
      }
    }
  }
}
