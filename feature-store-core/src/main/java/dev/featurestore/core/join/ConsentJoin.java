package dev.featurestore.core.join;

import dev.featurestore.core.ingest.VectorGather;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Decides which spine rows have consent, by joining them with each entity's consent events of the
 * purpose as with a feature group of one feature, {@code granted}: the same engine, so the same
 * candidates, winner, TTL, version and memory budget (it partitions and spills like any join).
 */
final class ConsentJoin {
  private ConsentJoin() {}

  /** The spine rows without consent: for some entity, no winning event, or one not granted. */
  static BitSet rowsWithoutConsent(
      PointInTimeJoinEngine engine,
      BufferAllocator allocator,
      PointInTimeJoinRequest request,
      SpineConsent consent)
      throws IOException {
    VectorSchemaRoot spine = request.spine();
    FieldVector spineTimes = spine.getVector(request.spineTimeColumn());
    BitSet without = new BitSet(spine.getRowCount());
    for (ConsentRecords records : consent.records()) {
      PointInTimeJoinEngine.requireKeyColumn(spine, records.group().entity());
      FieldVector keys = spine.getVector(records.group().entity().name());
      // A view of the spine's own vectors, never closed: the caller owns them.
      VectorSchemaRoot keysAndTimes =
          new VectorSchemaRoot(
              List.of(keys.getField(), spineTimes.getField()),
              List.of(keys, spineTimes),
              spine.getRowCount());
      FeatureGroupRequest granted =
          new FeatureGroupRequest(
              records.group(),
              records.asOfCommitSequence(),
              List.of(new FeatureSelection(ConsentRecords.GRANTED, ConsentRecords.GRANTED)),
              new PurposeRows(records, consent.purpose(), allocator));
      engine.join(
          new PointInTimeJoinRequest(keysAndTimes, request.spineTimeColumn(), List.of(granted)),
          new JoinOutputSink() {
            private int firstRow;

            @Override
            public void begin(Schema schema) {}

            @Override
            public void accept(VectorSchemaRoot batch) {
              BitVector grants = (BitVector) batch.getVector(ConsentRecords.GRANTED);
              for (int row = 0; row < batch.getRowCount(); row++) {
                if (grants.isNull(row) || grants.get(row) == 0) {
                  without.set(firstRow + row);
                }
              }
              firstRow += batch.getRowCount();
            }
          });
    }
    return without;
  }

  /** A copy of the spine without the rows {@code left}, in the caller's allocator. */
  static VectorSchemaRoot spineWithout(
      VectorSchemaRoot spine, BitSet left, BufferAllocator allocator) {
    int[] kept = keptRows(spine.getRowCount(), left);
    return copyOfRows(spine, kept, kept.length, allocator);
  }

  /** A new batch of {@code source}'s rows {@code rows[0..count)}, in that order. */
  private static VectorSchemaRoot copyOfRows(
      VectorSchemaRoot source, int[] rows, int count, BufferAllocator allocator) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), allocator);
    try {
      copy.allocateNew();
      for (int c = 0; c < source.getFieldVectors().size(); c++) {
        FieldVector target = copy.getVector(c);
        VectorGather.gather(source.getVector(c), rows, 0, count, target, 0);
        target.setValueCount(count);
      }
      copy.setRowCount(count);
      return copy;
    } catch (RuntimeException | Error e) {
      copy.close();
      throw e;
    }
  }

  private static int[] keptRows(int rowCount, BitSet left) {
    int[] kept = new int[rowCount - left.cardinality()];
    int next = 0;
    for (int row = left.nextClearBit(0); row < rowCount; row = left.nextClearBit(row + 1)) {
      kept[next++] = row;
    }
    return kept;
  }

  /**
   * Winners of a join over the spine without the rows {@code left}, told by the rows of the whole
   * spine (a row left out has no winner), as the listener's contract says.
   */
  static WinningRowsListener byWholeSpineRows(
      WinningRowsListener listener, int spineRowCount, BitSet left) {
    int[] keptIndexOfRow = new int[spineRowCount];
    int next = 0;
    for (int row = 0; row < spineRowCount; row++) {
      keptIndexOfRow[row] = left.get(row) ? -1 : next++;
    }
    return (groupIndex, request, winners) ->
        listener.onWinners(
            groupIndex,
            request,
            new WinningRows() {
              @Override
              public int spineRowCount() {
                return spineRowCount;
              }

              @Override
              public boolean hasWinner(int spineRow) {
                int kept = keptIndexOfRow[spineRow];
                return kept >= 0 && winners.hasWinner(kept);
              }

              @Override
              public long commitSequence(int spineRow) {
                int kept = keptIndexOfRow[spineRow];
                return kept < 0 ? -1 : winners.commitSequence(kept);
              }

              @Override
              public long rowOrdinal(int spineRow) {
                int kept = keptIndexOfRow[spineRow];
                return kept < 0 ? -1 : winners.rowOrdinal(kept);
              }

              @Override
              public long eventTimeMicros(int spineRow) {
                int kept = keptIndexOfRow[spineRow];
                return kept < 0 ? Long.MIN_VALUE : winners.eventTimeMicros(kept);
              }
            });
  }

  /**
   * The consent events of one purpose: each stored batch narrowed to the rows whose {@code purpose}
   * is it, byte for byte. A row with a null purpose, or of a file written before the group had the
   * feature, is of no purpose.
   */
  private static final class PurposeRows implements StoredRowSource {
    private final ConsentRecords records;
    private final byte[] purpose;
    private final BufferAllocator allocator;

    PurposeRows(ConsentRecords records, String purpose, BufferAllocator allocator) {
      this.records = records;
      this.purpose = purpose.getBytes(StandardCharsets.UTF_8);
      this.allocator = allocator;
    }

    @Override
    public void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException {
      records
          .storedRows()
          .forEachBatch(
              batch -> {
                try (VectorSchemaRoot ofPurpose = rowsOfPurpose(batch)) {
                  consumer.accept(ofPurpose);
                }
              });
    }

    private VectorSchemaRoot rowsOfPurpose(VectorSchemaRoot batch) {
      FieldVector purposes = batch.getVector(ConsentRecords.PURPOSE);
      int[] rows = new int[batch.getRowCount()];
      int count = 0;
      if (purposes instanceof VarCharVector strings) {
        for (int row = 0; row < batch.getRowCount(); row++) {
          if (!strings.isNull(row) && isPurpose(strings, row)) {
            rows[count++] = row;
          }
        }
      }
      return copyOfRows(batch, rows, count, allocator);
    }

    private boolean isPurpose(VarCharVector strings, int row) {
      long start = strings.getStartOffset(row);
      if (strings.getEndOffset(row) - start != purpose.length) {
        return false;
      }
      ArrowBuf data = strings.getDataBuffer();
      for (int i = 0; i < purpose.length; i++) {
        if (data.getByte(start + i) != purpose[i]) {
          return false;
        }
      }
      return true;
    }
  }
}
