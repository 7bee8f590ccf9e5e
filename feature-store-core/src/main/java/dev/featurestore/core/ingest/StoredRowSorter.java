package dev.featurestore.core.ingest;

import java.util.List;
import java.util.concurrent.Executor;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Sorts stored rows by (key, event time) as feature files require: string keys by unsigned UTF-8
 * bytes (Parquet's order, so file stats prune correctly), integer keys numerically. The sort is
 * stable, so rows with the same key and event time keep their upload order.
 */
public final class StoredRowSorter {
  private StoredRowSorter() {}

  /** A sorted copy of {@code rows}, allocated from {@code allocator}; the caller closes both. */
  public static VectorSchemaRoot sortedCopy(VectorSchemaRoot rows, BufferAllocator allocator) {
    Executor here = Runnable::run;
    return copyInOrder(rows, sortOrder(rows, here), allocator, here);
  }

  /**
   * A copy of the rows at {@code order}'s positions, in that order (a sort order, perhaps with rows
   * left out), allocated from {@code allocator}; the caller closes both. Half of the columns are
   * gathered on a thread of {@code helpers} when one is free ({@link ParallelPair}).
   */
  static VectorSchemaRoot copyInOrder(
      VectorSchemaRoot rows, int[] order, BufferAllocator allocator, Executor helpers) {
    int rowCount = order.length;
    VectorSchemaRoot sorted = VectorSchemaRoot.create(rows.getSchema(), allocator);
    try {
      for (FieldVector vector : sorted.getFieldVectors()) {
        vector.setInitialCapacity(rowCount); // sized once: growing by doubling costs copies
        vector.allocateNew();
      }
      List<FieldVector> sources = rows.getFieldVectors();
      List<FieldVector> targets = sorted.getFieldVectors();
      // Alternate columns: the key (the dearest) and the features then split about evenly.
      ParallelPair.run(
          helpers,
          () -> gatherEveryOther(sources, targets, order, 1),
          () -> gatherEveryOther(sources, targets, order, 0));
      sorted.setRowCount(rowCount);
      return sorted;
    } catch (RuntimeException e) {
      sorted.close();
      throw e;
    }
  }

  private static void gatherEveryOther(
      List<FieldVector> sources, List<FieldVector> targets, int[] order, int first) {
    for (int column = first; column < sources.size(); column += 2) {
      FieldVector target = targets.get(column);
      VectorGather.gather(sources.get(column), order, 0, order.length, target, 0);
      target.setValueCount(order.length);
    }
  }

  /**
   * Row positions in sorted order. The two halves are sorted at once, one on a thread of {@code
   * helpers} when one is free ({@link ParallelPair}), then merged.
   */
  static int[] sortOrder(VectorSchemaRoot rows, Executor helpers) {
    FieldVector key = rows.getVector(0);
    TimeStampMicroTZVector eventTime =
        (TimeStampMicroTZVector)
            rows.getVector(dev.featurestore.core.model.FeatureGroup.EVENT_TIME);
    RowComparator compare =
        key instanceof VarCharVector strings
            ? (a, b) -> {
              int byKey =
                  ByteFunctionHelpers.compare(
                      strings.getDataBuffer(),
                      strings.getStartOffset(a),
                      strings.getEndOffset(a),
                      strings.getDataBuffer(),
                      strings.getStartOffset(b),
                      strings.getEndOffset(b));
              return byKey != 0 ? byKey : Long.compare(eventTime.get(a), eventTime.get(b));
            }
            : (a, b) -> {
              BigIntVector longs = (BigIntVector) key;
              int byKey = Long.compare(longs.get(a), longs.get(b));
              return byKey != 0 ? byKey : Long.compare(eventTime.get(a), eventTime.get(b));
            };
    int[] order = new int[rows.getRowCount()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int[] scratch = new int[order.length];
    int middle = order.length >>> 1;
    ParallelPair.run(
        helpers,
        () -> mergeSort(order, scratch, middle, order.length, compare),
        () -> mergeSort(order, scratch, 0, middle, compare));
    merge(order, scratch, 0, middle, order.length, compare);
    return order;
  }

  /** Compares two rows by position; no boxing in the sort's inner loop. */
  interface RowComparator {
    int compare(int a, int b);
  }

  private static void mergeSort(
      int[] order, int[] scratch, int from, int to, RowComparator compare) {
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int row = order[i];
        int j = i - 1;
        while (j >= from && compare.compare(order[j], row) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = row;
      }
      return;
    }
    int middle = (from + to) >>> 1;
    mergeSort(order, scratch, from, middle, compare);
    mergeSort(order, scratch, middle, to, compare);
    merge(order, scratch, from, middle, to, compare);
  }

  /** Merges the sorted runs {@code [from, middle)} and {@code [middle, to)}, left first on ties. */
  private static void merge(
      int[] order, int[] scratch, int from, int middle, int to, RowComparator compare) {
    if (from == middle || middle == to || compare.compare(order[middle - 1], order[middle]) <= 0) {
      return;
    }
    System.arraycopy(order, from, scratch, from, to - from);
    int left = from;
    int right = middle;
    for (int i = from; i < to; i++) {
      if (right >= to || (left < middle && compare.compare(scratch[left], scratch[right]) <= 0)) {
        order[i] = scratch[left++];
      } else {
        order[i] = scratch[right++];
      }
    }
  }
}
