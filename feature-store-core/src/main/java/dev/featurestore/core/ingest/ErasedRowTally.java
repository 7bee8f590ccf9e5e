package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.erasure.ErasedKeyScreen;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.StoredRowSchema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One append's rows whose key was erased, batch by batch: under {@code DROP} they are left out of
 * the stored files and counted; under {@code REFUSE} the first of them are named (by index in the
 * upload) and the commit is refused once the upload is decoded. Batches arrive in upload order, one
 * at a time.
 */
final class ErasedRowTally {
  private final ErasedKeyPolicy policy;
  private final ErasedKeyScreen screen;
  private final List<Long> refusedRows = new ArrayList<>();
  private long erasedRows;

  ErasedRowTally(ErasedKeyPolicy policy, ErasedKeyScreen screen) {
    this.policy = requireNonNull(policy, "policy is null");
    this.screen = requireNonNull(screen, "screen is null");
  }

  /**
   * The positions of the rows to store, in sorted {@code order}: all of them when no key is erased,
   * those with a key not erased under {@code DROP}, none once the commit is refused. The rows
   * sorted by key make each distinct key one digest.
   */
  int[] rowsToStore(VectorSchemaRoot rows, int[] order) {
    if (screen.isEmpty()) {
      return order;
    }
    FieldVector key = rows.getVector(0);
    BigIntVector ordinals = (BigIntVector) rows.getVector(StoredRowSchema.ROW_ORDINAL);
    int[] kept = new int[order.length];
    int keptCount = 0;
    long[] erasedOrdinals = new long[0];
    int erasedCount = 0;
    boolean erased = false;
    for (int i = 0; i < order.length; i++) {
      int row = order[i];
      if (i == 0 || !sameKey(key, order[i - 1], row)) {
        erased = screen.isErased(keyText(key, row));
      }
      if (!erased) {
        kept[keptCount++] = row;
      } else {
        if (erasedCount == erasedOrdinals.length) {
          erasedOrdinals = Arrays.copyOf(erasedOrdinals, Math.max(16, erasedCount * 2));
        }
        erasedOrdinals[erasedCount++] = ordinals.get(row);
      }
    }
    erasedRows += erasedCount;
    if (policy == ErasedKeyPolicy.DROP) {
      return keptCount == order.length ? order : Arrays.copyOf(kept, keptCount);
    }
    Arrays.sort(erasedOrdinals, 0, erasedCount);
    for (int i = 0;
        i < erasedCount && refusedRows.size() < ErasedKeyException.MAX_NAMED_ROWS;
        i++) {
      refusedRows.add(erasedOrdinals[i]);
    }
    return erasedRows > 0 ? new int[0] : order;
  }

  /** Rows left out because their key was erased (under {@code DROP}). */
  long droppedRows() {
    return policy == ErasedKeyPolicy.DROP ? erasedRows : 0;
  }

  /** Refuses the commit when a row's key was erased and the policy is {@code REFUSE}. */
  void refuseIfAnyErased(String entity) {
    if (policy == ErasedKeyPolicy.REFUSE && erasedRows > 0) {
      throw new ErasedKeyException(entity, refusedRows, erasedRows);
    }
  }

  private static boolean sameKey(FieldVector key, int a, int b) {
    if (key instanceof VarCharVector strings) {
      return ByteFunctionHelpers.equal(
              strings.getDataBuffer(),
              strings.getStartOffset(a),
              strings.getEndOffset(a),
              strings.getDataBuffer(),
              strings.getStartOffset(b),
              strings.getEndOffset(b))
          == 1;
    }
    BigIntVector longs = (BigIntVector) key;
    return longs.get(a) == longs.get(b);
  }

  /** The key's canonical text as UTF-8, as digests are made of it. */
  private static byte[] keyText(FieldVector key, int row) {
    if (key instanceof VarCharVector strings) {
      return strings.get(row);
    }
    return Long.toString(((BigIntVector) key).get(row))
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
