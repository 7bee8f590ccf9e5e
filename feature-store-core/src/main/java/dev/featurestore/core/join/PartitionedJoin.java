package dev.featurestore.core.join;

import dev.featurestore.core.ingest.VectorGather;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The join for spines whose slots and values do not fit in the memory budget (see {@link
 * JoinMemory}), in three passes over local disk.
 *
 * <ol>
 *   <li>Each group's visible rows are read once and split by key hash into partitions, spilled as
 *       Arrow IPC files; the spine rows are split by the same hash (in memory: their positions).
 *   <li>Each partition is joined as the in-memory join does ({@link SpineSlotJoin}: its spine rows'
 *       slots, its stored rows streamed past them), and the feature values of its spine rows, in
 *       spine order, are spilled again.
 *   <li>Output batches take each spine row's values from its partition's file; since every file is
 *       in spine order, each is read once, front to back, one batch at a time.
 * </ol>
 *
 * <p>There are enough partitions for {@link JoinOptions#parallelism()} of them to be joined at once
 * in half the budget. A partition holds whole keys, so one key's spine rows must fit.
 */
final class PartitionedJoin {
  private static final int MAXIMUM_PARTITIONS = Short.MAX_VALUE;

  /** Partitions of fewer spine rows cost more in files than they save in memory. */
  private static final long MINIMUM_SPINE_ROWS_PER_PARTITION = 16;

  private static final long MINIMUM_SPILL_BATCH_ROWS = 64;
  private static final long MAXIMUM_SPILL_BATCH_ROWS = 16 * 1024;

  /** Key, event time, commit sequence and row ordinal of a spilled stored row. */
  private static final long SPILLED_ROW_OVERHEAD_BYTES = 4 * Long.BYTES;

  private final BufferAllocator allocator;
  private final JoinOptions options;
  private final ForkJoinPool pool;

  /** Bytes of every spill file written, partitions joined in parallel adding to it. */
  private final LongAdder spilledBytes = new LongAdder();

  PartitionedJoin(BufferAllocator allocator, JoinOptions options, ForkJoinPool pool) {
    this.allocator = allocator;
    this.options = options;
    this.pool = pool;
  }

  /** Joins, and returns the bytes it spilled to disk. */
  long join(
      PointInTimeJoinRequest request,
      JoinOutput output,
      WinningRowsListener listener,
      BitSet featureless)
      throws IOException {
    Path folder = Files.createTempDirectory(options.spillDirectory(), "join-spill-");
    try {
      List<JoinedGroup> joined = new ArrayList<>();
      int firstColumn = 0;
      for (int g = 0; g < request.groups().size(); g++) {
        int featureCount = request.groups().get(g).features().size();
        List<Field> featureFields =
            output.featureFields().subList(firstColumn, firstColumn + featureCount);
        joined.add(joinGroup(request, g, featureFields, folder, listener, featureless));
        firstColumn += featureCount;
      }
      merge(output, joined);
      return spilledBytes.sum();
    } finally {
      deleteRecursively(folder);
    }
  }

  /** Which partition each spine row fell in, and the partitions' spilled feature values. */
  private record JoinedGroup(
      short[] partitionOfSpineRow, List<Path> outputFiles, int featureCount) {}

  /** One partition's stored rows on disk. */
  private record SpilledPartition(Path file, long rowCount) {}

  /**
   * Spine rows grouped by partition: those of partition p are {@code rows[starts[p]..starts[p+1])}.
   */
  private record SpinePartitions(short[] partitionOfRow, int[] starts, int[] rows) {}

  private JoinedGroup joinGroup(
      PointInTimeJoinRequest request,
      int groupIndex,
      List<Field> featureFields,
      Path folder,
      WinningRowsListener listener,
      BitSet featureless)
      throws IOException {
    FeatureGroupRequest group = request.groups().get(groupIndex);
    int partitionCount = partitionCount(request.spine().getRowCount(), group);
    FieldVector spineKeys = request.spine().getVector(group.group().entity().name());
    SpinePartitions spine =
        partitionSpine(spineKeys, request.spine().getRowCount(), partitionCount);
    List<SpilledPartition> storedRowFiles =
        spillStoredRows(group, partitionCount, folder, "group-" + groupIndex + "-rows-");
    // Recording costs 24 bytes of heap per spine row: only when someone listens.
    RecordedWinningRows recorded =
        listener.equals(WinningRowsListener.IGNORE)
            ? null
            : new RecordedWinningRows(request.spine().getRowCount());
    TimeStampVector spineTimes =
        (TimeStampVector) request.spine().getVector(request.spineTimeColumn());
    List<Path> outputFiles = new ArrayList<>();
    List<ForkJoinTask<?>> tasks = new ArrayList<>();
    int outputBatchRows = spillBatchRows(partitionCount, JoinMemory.featureBytesPerRow(group) + 1);
    for (int p = 0; p < partitionCount; p++) {
      SpilledPartition storedRows = storedRowFiles.get(p);
      Path outputFile = folder.resolve("group-" + groupIndex + "-output-" + p + ".arrow");
      outputFiles.add(outputFile);
      int partition = p;
      tasks.add(
          ForkJoinTask.adapt(
              () -> {
                try {
                  joinPartition(
                      group,
                      storedRows,
                      spine,
                      partition,
                      spineKeys,
                      spineTimes,
                      featureless,
                      recorded,
                      new Schema(featureFields),
                      outputFile,
                      outputBatchRows);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }));
    }
    PointInTimeJoinEngine.runAll(pool, tasks);
    if (recorded != null) {
      listener.onWinners(groupIndex, group, recorded);
    }
    return new JoinedGroup(spine.partitionOfRow(), outputFiles, featureFields.size());
  }

  private void joinPartition(
      FeatureGroupRequest group,
      SpilledPartition storedRows,
      SpinePartitions spine,
      int partition,
      FieldVector spineKeys,
      TimeStampVector spineTimes,
      BitSet featureless,
      RecordedWinningRows recorded,
      Schema outputSchema,
      Path outputFile,
      int outputBatchRows)
      throws IOException {
    StoredRowSource partitionRows =
        new StoredRowSource() {
          @Override
          public void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException {
            SpillFile.forEachBatch(storedRows.file(), allocator, consumer);
          }
        };
    FeatureGroupRequest partitionRequest =
        new FeatureGroupRequest(
            group.group(), group.asOfCommitSequence(), group.features(), partitionRows);
    int first = spine.starts()[partition];
    int[] spineRows = Arrays.copyOfRange(spine.rows(), first, spine.starts()[partition + 1]);
    try (SpineSlotJoin join =
        SpineSlotJoin.join(
            partitionRequest, spineKeys, spineTimes, spineRows, featureless, allocator)) {
      Files.delete(storedRows.file());
      if (recorded != null) {
        for (int row = 0; row < spineRows.length; row++) {
          recorded.record(spineRows[row], join, row);
        }
      }
      try (SpillFile.Writer writer =
          new SpillFile.Writer(
              outputFile, VectorSchemaRoot.create(outputSchema, allocator), spilledBytes)) {
        VectorSchemaRoot batch = writer.staging();
        for (int start = 0; start < spineRows.length; start += outputBatchRows) {
          int batchRows = Math.min(outputBatchRows, spineRows.length - start);
          int[] sourceSlots = join.winnerSlots(start, batchRows);
          for (int f = 0; f < outputSchema.getFields().size(); f++) {
            join.fill(batch.getVector(f), f, sourceSlots);
          }
          batch.setRowCount(batchRows);
          writer.writeStaging();
        }
      }
    }
  }

  private static SpinePartitions partitionSpine(
      FieldVector keys, int spineRowCount, int partitionCount) {
    short[] partitionOfRow = new short[spineRowCount];
    int[] starts = new int[partitionCount + 1];
    for (int row = 0; row < spineRowCount; row++) {
      int partition = partitionOf(keys.hashCode(row), partitionCount);
      partitionOfRow[row] = (short) partition;
      starts[partition + 1]++;
    }
    for (int p = 0; p < partitionCount; p++) {
      starts[p + 1] += starts[p];
    }
    int[] rows = new int[spineRowCount];
    int[] next = Arrays.copyOf(starts, partitionCount);
    for (int row = 0; row < spineRowCount; row++) {
      rows[next[partitionOfRow[row]]++] = row;
    }
    return new SpinePartitions(partitionOfRow, starts, rows);
  }

  /**
   * A key's partition, from its Arrow hash (equal for equal keys in the spine and in stored rows),
   * remixed and reduced by its high bits: dictionaries within a partition index by low bits.
   */
  private static int partitionOf(int keyHash, int partitionCount) {
    return (int) (((KeyDictionary.mix(keyHash) & 0xFFFF_FFFFL) * partitionCount) >>> 32);
  }

  /** Reads the group once, writing each visible row to its partition's file. */
  private List<SpilledPartition> spillStoredRows(
      FeatureGroupRequest group, int partitionCount, Path folder, String filePrefix)
      throws IOException {
    Schema schema = spillSchema(group);
    int batchRows =
        spillBatchRows(
            partitionCount, SPILLED_ROW_OVERHEAD_BYTES + JoinMemory.featureBytesPerRow(group));
    List<Path> files = new ArrayList<>();
    SpillFile.Writer[] writers = new SpillFile.Writer[partitionCount];
    try {
      for (int p = 0; p < partitionCount; p++) {
        files.add(folder.resolve(filePrefix + p + ".arrow"));
        VectorSchemaRoot staging = VectorSchemaRoot.create(schema, allocator);
        for (FieldVector vector : staging.getFieldVectors()) {
          vector.setInitialCapacity(batchRows);
          vector.allocateNew();
        }
        writers[p] = new SpillFile.Writer(files.get(p), staging, spilledBytes);
      }
      StoredRowPartitioner partitioner =
          new StoredRowPartitioner(group, schema, writers, batchRows);
      try {
        group.storedRows().forEachBatch(partitioner::add);
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      partitioner.flushAll();
      List<SpilledPartition> partitions = new ArrayList<>();
      for (int p = 0; p < partitionCount; p++) {
        partitions.add(new SpilledPartition(files.get(p), writers[p].rowCount()));
      }
      return partitions;
    } finally {
      closeAll(writers);
    }
  }

  /** Key, event time, commit, ordinal, then each requested feature's stored column once. */
  private static Schema spillSchema(FeatureGroupRequest group) {
    FeatureGroup definition = group.group();
    ArrowType int64 = new ArrowType.Int(64, true);
    Map<String, Field> fields = new LinkedHashMap<>();
    Field key = StoredRowSchema.keyField(definition.entity());
    fields.put(key.getName(), key);
    fields.put(
        FeatureGroup.EVENT_TIME,
        new Field(
            FeatureGroup.EVENT_TIME, FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null));
    fields.put(
        StoredRowSchema.COMMIT_SEQUENCE,
        new Field(StoredRowSchema.COMMIT_SEQUENCE, FieldType.notNullable(int64), null));
    fields.put(
        StoredRowSchema.ROW_ORDINAL,
        new Field(StoredRowSchema.ROW_ORDINAL, FieldType.notNullable(int64), null));
    for (FeatureSelection selection : group.features()) {
      Field stored =
          StoredRowSchema.featureField(definition.feature(selection.featureName()).orElseThrow());
      fields.putIfAbsent(stored.getName(), stored);
    }
    return new Schema(List.copyOf(fields.values()));
  }

  /** Copies each visible stored row into its partition's staging batch, spilling full ones. */
  private static final class StoredRowPartitioner {
    private final FeatureGroupRequest group;
    private final Schema schema;
    private final SpillFile.Writer[] writers;
    private final int[] stagedRows;
    private final int batchRows;

    StoredRowPartitioner(
        FeatureGroupRequest group, Schema schema, SpillFile.Writer[] writers, int batchRows) {
      this.group = group;
      this.schema = schema;
      this.writers = writers;
      this.stagedRows = new int[writers.length];
      this.batchRows = batchRows;
    }

    void add(VectorSchemaRoot batch) {
      StoredColumns columns = StoredColumns.of(batch, group.group());
      FieldVector keys = columns.keys();
      List<Field> fields = schema.getFields();
      FieldVector[] sources = new FieldVector[fields.size()];
      sources[0] = keys;
      for (int c = 1; c < sources.length; c++) {
        sources[c] = batch.getVector(fields.get(c).getName());
      }
      // The visible rows, grouped by partition in batch order (a counting sort), are then copied
      // a column at a time, buffer to buffer.
      int rowCount = batch.getRowCount();
      int[] partitionOfRow = new int[rowCount];
      int[] starts = new int[writers.length + 1];
      long commitAddress = columns.commits().getDataBufferAddress();
      long asOf = group.asOfCommitSequence();
      for (int row = 0; row < rowCount; row++) {
        if (ColumnMemory.longAt(commitAddress, row) > asOf) {
          partitionOfRow[row] = -1;
        } else {
          partitionOfRow[row] = partitionOf(keys.hashCode(row), writers.length);
          starts[partitionOfRow[row] + 1]++;
        }
      }
      for (int p = 0; p < writers.length; p++) {
        starts[p + 1] += starts[p];
      }
      int[] rows = new int[starts[writers.length]];
      int[] next = Arrays.copyOf(starts, writers.length);
      for (int row = 0; row < rowCount; row++) {
        if (partitionOfRow[row] >= 0) {
          rows[next[partitionOfRow[row]]++] = row;
        }
      }
      try {
        for (int p = 0; p < writers.length; p++) {
          for (int from = starts[p]; from < starts[p + 1]; ) {
            int count = Math.min(batchRows - stagedRows[p], starts[p + 1] - from);
            List<FieldVector> staging = writers[p].staging().getFieldVectors();
            for (int c = 0; c < sources.length; c++) {
              // A feature column missing from an older file stays null.
              if (sources[c] != null) {
                VectorGather.gather(sources[c], rows, from, count, staging.get(c), stagedRows[p]);
              }
            }
            from += count;
            stagedRows[p] += count;
            if (stagedRows[p] == batchRows) {
              flush(p);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void flushAll() throws IOException {
      for (int p = 0; p < writers.length; p++) {
        if (stagedRows[p] > 0) {
          flush(p);
        }
      }
    }

    private void flush(int partition) throws IOException {
      VectorSchemaRoot staging = writers[partition].staging();
      staging.setRowCount(stagedRows[partition]);
      writers[partition].writeStaging();
      for (FieldVector vector : staging.getFieldVectors()) {
        vector.reset();
      }
      stagedRows[partition] = 0;
    }
  }

  /** Writes output batches, taking each spine row's features from its partition's next row. */
  private void merge(JoinOutput output, List<JoinedGroup> joined) throws IOException {
    List<SpillFile.Cursor[]> cursors = new ArrayList<>();
    try {
      for (JoinedGroup group : joined) {
        SpillFile.Cursor[] groupCursors = new SpillFile.Cursor[group.outputFiles().size()];
        cursors.add(groupCursors);
        for (int p = 0; p < groupCursors.length; p++) {
          groupCursors[p] = new SpillFile.Cursor(group.outputFiles().get(p), allocator);
        }
      }
      output.writeAll(
          options.outputBatchRows(),
          (featureColumns, firstSpineRow, rowCount) -> {
            for (FieldVector column : featureColumns) {
              column.setInitialCapacity(rowCount);
              column.allocateNew();
            }
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            int firstColumn = 0;
            for (int g = 0; g < joined.size(); g++) {
              SpillFile.Cursor[] groupCursors = cursors.get(g);
              short[] partitionOfRow = joined.get(g).partitionOfSpineRow();
              int featureCount = joined.get(g).featureCount();
              List<FieldVector> groupColumns =
                  featureColumns.subList(firstColumn, firstColumn + featureCount);
              firstColumn += featureCount;
              tasks.add(
                  ForkJoinTask.adapt(
                      () ->
                          copyRows(
                              groupCursors,
                              partitionOfRow,
                              groupColumns,
                              firstSpineRow,
                              rowCount)));
            }
            PointInTimeJoinEngine.runAll(pool, tasks);
            for (FieldVector column : featureColumns) {
              column.setValueCount(rowCount);
            }
          });
    } finally {
      for (SpillFile.Cursor[] groupCursors : cursors) {
        closeAll(groupCursors);
      }
    }
  }

  private static void copyRows(
      SpillFile.Cursor[] cursors,
      short[] partitionOfRow,
      List<FieldVector> columns,
      int firstSpineRow,
      int rowCount) {
    try {
      for (int slot = 0; slot < rowCount; slot++) {
        SpillFile.Cursor cursor = cursors[partitionOfRow[firstSpineRow + slot]];
        int row = cursor.next();
        List<FieldVector> values = cursor.batch().getFieldVectors();
        for (int c = 0; c < columns.size(); c++) {
          columns.get(c).copyFromSafe(row, slot, values.get(c));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Enough partitions for {@code parallelism} of them to be joined at once in half the budget. */
  private int partitionCount(int spineRowCount, FeatureGroupRequest group) {
    long bytesPerPartition = Math.max(1, options.memoryBudgetBytes() / 2 / options.parallelism());
    long wanted =
        Math.ceilDiv(spineRowCount * JoinMemory.bytesPerSpineRow(group), bytesPerPartition);
    long useful = Math.max(2, Math.ceilDiv(spineRowCount, MINIMUM_SPINE_ROWS_PER_PARTITION));
    return (int) Math.clamp(wanted, 2, Math.min(useful, MAXIMUM_PARTITIONS));
  }

  /** Rows per spilled batch, so that one batch per partition takes a quarter of the budget. */
  private int spillBatchRows(int partitionCount, long bytesPerRow) {
    long rows = options.memoryBudgetBytes() / 4 / partitionCount / bytesPerRow;
    return (int) Math.clamp(rows, MINIMUM_SPILL_BATCH_ROWS, MAXIMUM_SPILL_BATCH_ROWS);
  }

  private static void closeAll(AutoCloseable[] closeables) throws IOException {
    IOException failure = null;
    for (AutoCloseable closeable : closeables) {
      if (closeable == null) {
        continue;
      }
      try {
        closeable.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IOException("could not close a spill file", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void deleteRecursively(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Winners recorded per spine row while partitions are joined, for the listener. */
  private static final class RecordedWinningRows implements WinningRows {
    private final long[] commitSequences;
    private final long[] rowOrdinals;
    private final long[] eventTimes;

    RecordedWinningRows(int spineRowCount) {
      commitSequences = new long[spineRowCount];
      rowOrdinals = new long[spineRowCount];
      eventTimes = new long[spineRowCount];
      Arrays.fill(commitSequences, -1);
      Arrays.fill(rowOrdinals, -1);
      Arrays.fill(eventTimes, Long.MIN_VALUE);
    }

    /**
     * Records the winner of a partition's row {@code row}, spine row {@code spineRow}; called from
     * several partitions' threads, each for its own spine rows.
     */
    void record(int spineRow, WinningRows partition, int row) {
      if (partition.hasWinner(row)) {
        commitSequences[spineRow] = partition.commitSequence(row);
        rowOrdinals[spineRow] = partition.rowOrdinal(row);
        eventTimes[spineRow] = partition.eventTimeMicros(row);
      }
    }

    @Override
    public int spineRowCount() {
      return commitSequences.length;
    }

    @Override
    public boolean hasWinner(int spineRow) {
      return commitSequences[spineRow] != -1;
    }

    @Override
    public long commitSequence(int spineRow) {
      return commitSequences[spineRow];
    }

    @Override
    public long rowOrdinal(int spineRow) {
      return rowOrdinals[spineRow];
    }

    @Override
    public long eventTimeMicros(int spineRow) {
      return eventTimes[spineRow];
    }
  }
}
