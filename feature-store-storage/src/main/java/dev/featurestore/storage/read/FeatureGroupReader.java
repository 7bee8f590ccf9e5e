package dev.featurestore.storage.read;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.ingest.StoredRowReader;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.read.FeatureGroupVersion;
import dev.featurestore.core.read.FeatureGroupVersions;
import dev.featurestore.storage.parquet.FeatureFileReader;
import dev.featurestore.storage.parquet.FeatureFileScan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads a feature group as of a commit: exactly the files visible then, as Arrow batches in the
 * stored-row schema, with every row's commit sequence and write time filled in (append files leave
 * them to the adding commit, see {@link StoredRowSchema#SEQUENCE_OF_ADDING_COMMIT}).
 */
public final class FeatureGroupReader implements FeatureGroupVersions, StoredRowReader {
  private final Catalog catalog;
  private final ObjectCache cache;
  private final BufferAllocator allocator;
  private final Executor readThreads;
  private final ParallelFileReader fileReader;

  /**
   * Reads a snapshot's files on as many of {@code readThreads}' threads as there are processors;
   * the executor is shared, so that reads reuse its threads (see {@link ParallelFileReader}).
   */
  public FeatureGroupReader(
      Catalog catalog, ObjectCache cache, BufferAllocator allocator, Executor readThreads) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.cache = requireNonNull(cache, "cache is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.readThreads = requireNonNull(readThreads, "readThreads is null");
    this.fileReader = fileReader(allocator);
  }

  private ParallelFileReader fileReader(BufferAllocator batchAllocator) {
    return new ParallelFileReader(
        batchAllocator, readThreads, Runtime.getRuntime().availableProcessors());
  }

  /** A snapshot of the group at {@code sequence}: the same files, whatever is committed later. */
  public Snapshot snapshot(FeatureGroup group, long sequence) {
    return snapshot(group, sequence, catalog.dataFiles(group.name(), sequence));
  }

  @Override
  public FeatureGroupVersion at(FeatureGroup group, long sequence) {
    return snapshot(group, sequence);
  }

  /**
   * The files of the snapshot at {@code sequence} added by commits after {@code applied}: what a
   * reader that has applied the rows up to {@code applied} still needs. Files rewritten by
   * compaction count as added, so their rows come again; consumers that merge by the winner rule
   * are unaffected.
   */
  public Snapshot addedAfter(FeatureGroup group, long sequence, long applied) {
    List<DataFile> added =
        catalog.dataFiles(group.name(), sequence).stream()
            .filter(file -> file.addedSequence() > applied)
            .toList();
    return snapshot(group, sequence, added);
  }

  @Override
  public void forEachBatch(
      FeatureGroup group,
      long sequence,
      List<DataFile> files,
      BufferAllocator batchAllocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException {
    Snapshot snapshot = snapshot(group, sequence, files);
    for (DataFile file : files) {
      snapshot.readFile(file, FeatureFileScan.allFeatures(group), batchAllocator, batches);
    }
  }

  /**
   * Files of {@code group} that no commit holds (yet), read as of {@code sequence}, the rows' write
   * time left zero; the catalog is not consulted. The server's start-up warm-up reads the files it
   * stored in a scratch object store this way.
   */
  public Snapshot uncommitted(FeatureGroup group, long sequence, List<DataFile> files) {
    return new Snapshot(group, sequence, files, Map.of());
  }

  /** Reads the write times of only the commits that added {@code files}: a group has many. */
  private Snapshot snapshot(FeatureGroup group, long sequence, List<DataFile> files) {
    long oldest = files.stream().mapToLong(DataFile::addedSequence).min().orElse(sequence);
    Map<Long, Long> writeTimes = new HashMap<>();
    for (Commit commit : catalog.commitsAfter(group.name(), oldest - 1)) {
      writeTimes.put(commit.sequence(), EpochMicros.of(commit.writeTime()));
    }
    return new Snapshot(group, sequence, files, writeTimes);
  }

  /** The files of one version of a group; reading them never consults the catalog again. */
  public final class Snapshot implements FeatureGroupVersion {
    private final FeatureGroup group;
    private final long sequence;
    private final List<DataFile> files;
    private final Map<Long, Long> writeTimeMicrosBySequence;

    private Snapshot(
        FeatureGroup group, long sequence, List<DataFile> files, Map<Long, Long> writeTimes) {
      this.group = group;
      this.sequence = sequence;
      this.files = List.copyOf(files);
      this.writeTimeMicrosBySequence = Map.copyOf(writeTimes);
    }

    @Override
    public FeatureGroup group() {
      return group;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    @Override
    public List<DataFile> files() {
      return files;
    }

    /** The same version, reading only {@code subset} of its files (compaction merges a few). */
    public Snapshot restrictedTo(List<DataFile> subset) {
      if (!files.containsAll(subset)) {
        throw new IllegalArgumentException("not files of this snapshot: " + subset);
      }
      return new Snapshot(group, sequence, subset, writeTimeMicrosBySequence);
    }

    @Override
    public StoredRowSource rowsInAnyOrder(List<String> features) {
      FeatureFileScan scan = FeatureFileScan.features(features);
      return new StoredRowSource() {
        @Override
        public void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException {
          forEachBatchInAnyOrder(scan, consumer);
        }

        @Override
        public <P> void forEachPreparedBatch(
            Function<VectorSchemaRoot, P> prepare, BiConsumer<VectorSchemaRoot, P> consumer)
            throws IOException {
          forEachPreparedBatchInAnyOrder(scan, prepare, consumer);
        }
      };
    }

    @Override
    public void forEachBatchInStoredOrder(Consumer<VectorSchemaRoot> consumer) throws IOException {
      forEachBatch(FeatureFileScan.allFeatures(group), consumer);
    }

    @Override
    public void forEachBatchMayHold(KeyRange keys, Consumer<VectorSchemaRoot> consumer)
        throws IOException {
      forEachBatch(FeatureFileScan.features(List.of()).withKeys(keys), consumer);
    }

    /**
     * Every row of every file, batch by batch, in file order; a batch is valid during the call
     * only.
     */
    public void forEachBatch(FeatureFileScan scan, Consumer<VectorSchemaRoot> consumer)
        throws IOException {
      for (DataFile file : files) {
        readFile(file, scan, allocator, consumer);
      }
    }

    /**
     * Every row of every file, batch by batch, with files read in parallel so that batches come in
     * no particular order: for the join, which takes rows in any order, not for a spine.
     */
    public void forEachBatchInAnyOrder(FeatureFileScan scan, Consumer<VectorSchemaRoot> consumer)
        throws IOException {
      fileReader.forEachBatch(fileBatches(scan, allocator), consumer);
    }

    /**
     * As {@link #forEachBatchInAnyOrder(FeatureFileScan, Consumer)}, with every batch allocated
     * from {@code batchAllocator}, so that a limit on it bounds what the read holds at once.
     */
    public void forEachBatchInAnyOrder(
        FeatureFileScan scan, BufferAllocator batchAllocator, Consumer<VectorSchemaRoot> consumer)
        throws IOException {
      fileReader(batchAllocator).forEachBatch(fileBatches(scan, batchAllocator), consumer);
    }

    /**
     * As {@link #forEachBatchInAnyOrder}, with {@code prepare} run on each batch on the reading
     * threads ({@link ParallelFileReader#forEachPreparedBatch}).
     */
    public <P> void forEachPreparedBatchInAnyOrder(
        FeatureFileScan scan,
        Function<VectorSchemaRoot, P> prepare,
        BiConsumer<VectorSchemaRoot, P> consumer)
        throws IOException {
      fileReader.forEachPreparedBatch(fileBatches(scan, allocator), prepare, consumer);
    }

    private List<ParallelFileReader.FileBatches> fileBatches(
        FeatureFileScan scan, BufferAllocator batchAllocator) {
      List<ParallelFileReader.FileBatches> fileBatches = new ArrayList<>();
      for (DataFile file : files) {
        fileBatches.add(fileConsumer -> readFile(file, scan, batchAllocator, fileConsumer));
      }
      return fileBatches;
    }

    private void readFile(
        DataFile file,
        FeatureFileScan scan,
        BufferAllocator batchAllocator,
        Consumer<VectorSchemaRoot> consumer)
        throws IOException {
      if (file.maxCommitSequence() > sequence) {
        // A rewrite is always added by a commit later than every row it holds, so a file visible
        // at this version holds no later rows; rows are never filtered by sequence.
        throw new IllegalStateException(
            "file " + file.objectKey() + " holds rows of commits after " + sequence);
      }
      Path local = cache.localCopy(file.objectKey(), file.contentHash());
      long writeTime = writeTimeMicrosBySequence.getOrDefault(file.addedSequence(), 0L);
      try (FeatureFileReader reader = FeatureFileReader.open(local, group, scan, batchAllocator)) {
        while (reader.loadNextBatch()) {
          VectorSchemaRoot batch = reader.batch();
          fillAddingCommit(batch, file.addedSequence(), writeTime);
          consumer.accept(batch);
        }
      }
    }
  }

  private static void fillAddingCommit(
      VectorSchemaRoot batch, long sequence, long writeTimeMicros) {
    BigIntVector sequences = (BigIntVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE);
    TimeStampMicroTZVector writeTimes =
        (TimeStampMicroTZVector) batch.getVector(StoredRowSchema.WRITE_TIME);
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (sequences.get(row) == StoredRowSchema.SEQUENCE_OF_ADDING_COMMIT) {
        sequences.set(row, sequence);
        writeTimes.set(row, writeTimeMicros);
      }
    }
  }
}
