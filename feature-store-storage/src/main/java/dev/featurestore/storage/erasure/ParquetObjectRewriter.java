package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.erasure.ErasedKeys;
import dev.featurestore.core.erasure.ExpiredRows;
import dev.featurestore.core.erasure.RemovedRows;
import dev.featurestore.core.erasure.StoredObjectRewriter;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.VectorGather;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyText;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.ingest.SpineUploads;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.parquet.InvalidFeatureFileException;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.function.IntPredicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Rewrites stored objects without erased keys' rows with Arrow and Parquet: feature files through
 * the group's reader and writer, uploaded spines and training-set outputs as Parquet files staged
 * in a temporary folder. Each rewrite allocates its Arrow memory from its own child of the
 * allocator given, limited to {@code memoryPerRewrite} ({@code feature-store.memory.per-request} in
 * the server): an object beyond it fails the run with Arrow's {@code OutOfMemoryException}, and the
 * server goes on.
 */
public final class ParquetObjectRewriter implements StoredObjectRewriter {
  private final FeatureGroupReader reader;
  private final FeatureGroupWriter writer;
  private final ObjectStore objects;
  private final ObjectCache cache;
  private final BufferAllocator allocator;
  private final long memoryPerRewrite;
  private final Path temporaryFolder;
  private final ParquetCompression compression;
  private final ExecutorService encoders;

  public ParquetObjectRewriter(
      FeatureGroupReader reader,
      FeatureGroupWriter writer,
      ObjectStore objects,
      ObjectCache cache,
      BufferAllocator allocator,
      long memoryPerRewrite,
      Path temporaryFolder,
      ParquetCompression compression,
      ExecutorService encoders) {
    this.reader = requireNonNull(reader, "reader is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.cache = requireNonNull(cache, "cache is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    if (memoryPerRewrite <= 0) {
      throw new IllegalArgumentException("memoryPerRewrite must be positive");
    }
    this.memoryPerRewrite = memoryPerRewrite;
    this.temporaryFolder = requireNonNull(temporaryFolder, "temporaryFolder is null");
    this.compression = requireNonNull(compression, "compression is null");
    this.encoders = requireNonNull(encoders, "encoders is null");
  }

  @Override
  public Rewrite<Optional<NewDataFile>> rewriteFeatureFile(
      FeatureGroup group, DataFile file, RemovedRows removedRows) throws IOException {
    FeatureGroupReader.Snapshot onlyThisFile =
        reader.snapshot(group, file.addedSequence()).restrictedTo(List.of(file));
    try (BufferAllocator memory = rewriteMemory();
        VectorSchemaRoot kept = VectorSchemaRoot.create(StoredRowSchema.of(group), memory)) {
      kept.allocateNew();
      long[] removed = {0};
      try {
        onlyThisFile.forEachBatch(
            FeatureFileScan.allFeatures(group),
            batch -> removed[0] += copyRowsKept(batch, removedRowsOf(batch, removedRows), kept));
      } catch (InvalidFeatureFileException damaged) {
        return new Rewrite.Unreadable<>(damaged.getMessage());
      }
      if (removed[0] == 0) {
        return new Rewrite.NoKeyRows<>();
      }
      Optional<NewDataFile> rewrite =
          kept.getRowCount() == 0
              ? Optional.empty()
              : Optional.of(writer.store(group, kept, memory));
      return new Rewrite.Rewritten<>(rewrite, removed[0]);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The spine is read whole by {@link SpineUploads#load} with no key column converted: columns
   * keep their types, times become UTC microseconds ({@code event_time} in CSV too, checked when it
   * arrived). An upload whose bytes no longer read as a spine with the entity's column of keys is
   * unreadable.
   */
  @Override
  public Rewrite<StoredRewrite> rewriteUpload(Upload upload, ErasedKeys keys, String objectKey)
      throws IOException {
    String keyColumn = keys.entity().name();
    UploadFormat format = UploadFormat.ofContentType(upload.contentType()).orElseThrow();
    Path original = temporaryFolder.resolve("upload-" + UUID.randomUUID());
    Path rewritten = temporaryFolder.resolve(UUID.randomUUID() + ".parquet");
    try (BufferAllocator memory = rewriteMemory()) {
      try (InputStream in = objects.get(upload.objectKey())) {
        Files.copy(in, original, StandardCopyOption.REPLACE_EXISTING);
      }
      VectorSchemaRoot loaded;
      try {
        loaded = SpineUploads.load(format, original, List.of(), memory);
      } catch (InvalidInputException damaged) {
        return new Rewrite.Unreadable<>(damaged.getMessage());
      }
      long removed;
      ArrowParquetWriter.WrittenFile written;
      try (VectorSchemaRoot spine = loaded;
          VectorSchemaRoot kept = VectorSchemaRoot.create(spine.getSchema(), memory);
          ArrowParquetWriter output =
              new ArrowParquetWriter(rewritten, "spine", kept.getSchema(), compression, encoders)) {
        if (!(spine.getVector(keyColumn) instanceof BaseIntVector)
            && !(spine.getVector(keyColumn) instanceof VarCharVector)) {
          return new Rewrite.Unreadable<>(
              new InvalidInputException(
                      keyColumn, "the stored object has no such column of keys, as recorded")
                  .getMessage());
        }
        kept.allocateNew();
        removed = copyRowsWithoutKeys(spine, keys, kept);
        if (removed == 0) {
          return new Rewrite.NoKeyRows<>();
        }
        output.write(kept);
        written = output.finish();
      }
      return store(rewritten, written, objectKey, removed);
    } finally {
      Files.deleteIfExists(original);
      Files.deleteIfExists(rewritten);
    }
  }

  @Override
  public Rewrite<StoredRewrite> rewriteTrainingSetOutput(
      TrainingSet trainingSet, ErasedKeys keys, String objectKey) throws IOException {
    Path original =
        cache.localCopy(
            trainingSet.outputObjectKey().orElseThrow(), trainingSet.outputHash().orElseThrow());
    Path rewritten = temporaryFolder.resolve(UUID.randomUUID() + ".parquet");
    try {
      long removed = 0;
      ArrowParquetWriter.WrittenFile written;
      try (BufferAllocator memory = rewriteMemory();
          ArrowParquetReader outputRows =
              ArrowParquetReader.open(
                  new LocalFileInput(original), FeatureFileScan.DEFAULT_BATCH_ROWS, memory);
          VectorSchemaRoot kept = VectorSchemaRoot.create(outputRows.schema(), memory);
          ArrowParquetWriter output =
              new ArrowParquetWriter(
                  rewritten, trainingSet.name(), outputRows.schema(), compression, encoders)) {
        while (outputRows.loadNextBatch()) {
          kept.allocateNew();
          kept.setRowCount(0);
          removed += copyRowsWithoutKeys(outputRows.batch(), keys, kept);
          output.write(kept);
        }
        written = output.finish();
      } catch (InvalidInputException damaged) {
        return new Rewrite.Unreadable<>(damaged.getMessage());
      }
      if (removed == 0) {
        return new Rewrite.NoKeyRows<>();
      }
      return store(rewritten, written, objectKey, removed);
    } finally {
      Files.deleteIfExists(rewritten);
    }
  }

  /** Stores the Parquet file {@code rewritten} under {@code objectKey}. */
  private Rewrite<StoredRewrite> store(
      Path rewritten, ArrowParquetWriter.WrittenFile written, String objectKey, long removed)
      throws IOException {
    objects.put(objectKey, rewritten);
    return new Rewrite.Rewritten<>(
        new StoredRewrite(
            objectKey,
            UploadFormat.PARQUET.mediaType(),
            written.sha256(),
            written.byteSize(),
            written.rowCount()),
        removed);
  }

  private BufferAllocator rewriteMemory() {
    return allocator.newChildAllocator("erasure rewrite", 0, memoryPerRewrite);
  }

  @Override
  public void evictCachedCopy(String contentHash) throws IOException {
    cache.evict(contentHash);
  }

  /** Which rows of a batch of stored rows are removed. */
  private static IntPredicate removedRowsOf(VectorSchemaRoot batch, RemovedRows removed) {
    return switch (removed) {
      case ErasedKeys keys -> rowsOfKeys(batch, keys);
      case ExpiredRows expired -> {
        TimeStampVector eventTimes = (TimeStampVector) batch.getVector(FeatureGroup.EVENT_TIME);
        yield row -> expired.removes(eventTimes.get(row));
      }
    };
  }

  /** The rows whose key (in the entity's column) is erased. */
  private static IntPredicate rowsOfKeys(VectorSchemaRoot batch, ErasedKeys keys) {
    FieldVector keyVector = batch.getVector(keys.entity().name());
    return row ->
        !keyVector.isNull(row)
            && keys.keys().contains(KeyText.of(keyVector, row, keys.entity().keyType()));
  }

  private static long copyRowsWithoutKeys(
      VectorSchemaRoot batch, ErasedKeys keys, VectorSchemaRoot kept) {
    return copyRowsKept(batch, rowsOfKeys(batch, keys), kept);
  }

  /**
   * Appends the rows of {@code batch} that are not {@code removed} to {@code kept}, matching
   * columns by name; returns how many rows it left out.
   */
  private static long copyRowsKept(
      VectorSchemaRoot batch, IntPredicate removed, VectorSchemaRoot kept) {
    int[] keptRows = new int[batch.getRowCount()];
    int keptCount = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (!removed.test(row)) {
        keptRows[keptCount++] = row;
      }
    }
    int at = kept.getRowCount();
    for (FieldVector target : kept.getFieldVectors()) {
      VectorGather.gather(batch.getVector(target.getName()), keptRows, 0, keptCount, target, at);
    }
    kept.setRowCount(at + keptCount);
    return batch.getRowCount() - keptCount;
  }
}
