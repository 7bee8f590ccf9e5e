package dev.featurestore.storage.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.ingest.StoredRowBatch;
import dev.featurestore.core.ingest.StoredRowSorter;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.parquet.FeatureFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToIntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends uploaded rows to a feature group as one atomic commit: decode the upload in bounded
 * batches, sort each batch by (key, event time), write it as an immutable Parquet object under a
 * new key, then make all the objects visible in one catalog transaction. If anything fails before
 * that transaction, or the transaction definitely fails, the objects written so far are deleted
 * (and any the process could not delete, because it died, are swept by the orphan janitor), so a
 * failed upload leaves no trace and can simply be retried. When the connection broke during the
 * COMMIT ({@link CommitStateUnknownException}) the catalog may reference the objects, so they stay:
 * a retry with the same idempotency key answers the commit if it was made, and the orphan janitor
 * deletes the objects if it was not.
 */
public final class FeatureGroupWriter {
  private static final Logger log = LoggerFactory.getLogger(FeatureGroupWriter.class);

  /** Decoded bytes per batch (and so per file) before it is sorted and written. */
  private static final long TARGET_BATCH_BYTES = 64L << 20;

  private final Catalog catalog;
  private final ObjectStore objects;
  private final BufferAllocator allocator;
  private final Path temporaryFolder;
  private final Duration allowedFutureSkew;
  private final Clock clock;
  private final ToIntFunction<FeatureGroup> rowsPerBatch;
  private final UploadLimits limits;
  private final long memoryPerRequest;

  /** A writer whose uploads are bounded only by memory: for tests and benchmarks. */
  public FeatureGroupWriter(
      Catalog catalog,
      ObjectStore objects,
      BufferAllocator allocator,
      Path temporaryFolder,
      Duration allowedFutureSkew,
      Clock clock) {
    this(
        catalog,
        objects,
        allocator,
        temporaryFolder,
        allowedFutureSkew,
        clock,
        UploadLimits.NONE,
        Long.MAX_VALUE);
  }

  /**
   * @param limits what one upload may decode to; beyond them it fails and nothing is stored
   * @param memoryPerRequest the Arrow memory one append may hold; an allocation beyond it throws
   *     Arrow's {@code OutOfMemoryException} and nothing is stored
   */
  public FeatureGroupWriter(
      Catalog catalog,
      ObjectStore objects,
      BufferAllocator allocator,
      Path temporaryFolder,
      Duration allowedFutureSkew,
      Clock clock,
      UploadLimits limits,
      long memoryPerRequest) {
    this(
        catalog,
        objects,
        allocator,
        temporaryFolder,
        allowedFutureSkew,
        clock,
        limits,
        memoryPerRequest,
        FeatureGroupWriter::rowsPerBatch);
  }

  /**
   * With batches of {@code rowsPerBatch} rows: tests make them small, so that a small upload stores
   * several files while it is still being decoded.
   */
  FeatureGroupWriter(
      Catalog catalog,
      ObjectStore objects,
      BufferAllocator allocator,
      Path temporaryFolder,
      Duration allowedFutureSkew,
      Clock clock,
      UploadLimits limits,
      long memoryPerRequest,
      ToIntFunction<FeatureGroup> rowsPerBatch) {
    this.limits = requireNonNull(limits, "limits is null");
    if (memoryPerRequest < 1) {
      throw new IllegalArgumentException("memoryPerRequest must be positive");
    }
    this.memoryPerRequest = memoryPerRequest;
    this.rowsPerBatch = requireNonNull(rowsPerBatch, "rowsPerBatch is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.temporaryFolder = requireNonNull(temporaryFolder, "temporaryFolder is null");
    this.allowedFutureSkew = requireNonNull(allowedFutureSkew, "allowedFutureSkew is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  public Commit append(
      String groupName,
      UploadFormat format,
      SpooledUpload upload,
      Optional<String> idempotencyKey,
      String principal)
      throws IOException {
    FeatureGroup group =
        catalog
            .featureGroup(groupName)
            .orElseThrow(
                () -> new NotFoundException("feature group '" + groupName + "' not found"));
    if (idempotencyKey.isPresent()) {
      Optional<Commit> earlier = catalog.commitByIdempotencyKey(groupName, idempotencyKey.get());
      if (earlier.isPresent()) {
        // The catalog compares request hashes inside its transaction; a cheap early answer here.
        return catalog.commit(
            new PendingAppend(
                groupName,
                group.schemaVersion(),
                List.of(),
                idempotencyKey,
                upload.sha256(),
                principal));
      }
    }
    List<NewDataFile> written = new ArrayList<>();
    try (BufferAllocator requestAllocator =
        allocator.newChildAllocator("append-" + groupName, 0, memoryPerRequest)) {
      decodeAndWrite(group, format, upload, written, requestAllocator);
      if (written.isEmpty()) {
        throw new dev.featurestore.core.InvalidInputException("rows", "the upload holds no rows");
      }
      return catalog.commit(
          new PendingAppend(
              groupName,
              group.schemaVersion(),
              written,
              idempotencyKey,
              upload.sha256(),
              principal));
    } catch (CommitStateUnknownException e) {
      // The catalog may reference the objects now; if it does not, the orphan janitor deletes them.
      throw e;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(written, e);
      throw e;
    }
  }

  /**
   * Sorts {@code rows} by (key, event time), writes them as one Parquet object under a new key and
   * returns its stats for the catalog; compaction stores its merged files the same way.
   */
  public NewDataFile store(FeatureGroup group, VectorSchemaRoot rows) {
    return store(group, rows, allocator);
  }

  /** As {@link #store(FeatureGroup, VectorSchemaRoot)}, sorting in {@code sortingAllocator}. */
  public NewDataFile store(
      FeatureGroup group, VectorSchemaRoot rows, BufferAllocator sortingAllocator) {
    String objectKey = ObjectLayout.newFeatureGroupFile(group.name());
    Path file = temporaryFolder.resolve(UUID.randomUUID() + ".parquet");
    try (VectorSchemaRoot sorted = StoredRowSorter.sortedCopy(rows, sortingAllocator)) {
      DataFileStats stats;
      try (FeatureFileWriter writer = FeatureFileWriter.create(group, file)) {
        writer.write(sorted);
        stats = writer.finish();
      }
      objects.put(objectKey, file);
      return new NewDataFile(
          objectKey,
          stats.rowCount(),
          stats.byteSize(),
          stats.sha256(),
          stats.keyRange().minText(),
          stats.keyRange().maxText(),
          stats.minEventTime(),
          stats.maxEventTime());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.warn("Could not delete temporary file {}", file, e);
      }
    }
  }

  /**
   * Decodes on the calling thread while the previous full batch is sorted and written on another
   * (both cores busy), with at most one batch in flight so memory stays bounded: the batch being
   * filled, the batch being stored and its sorted copy.
   */
  private void decodeAndWrite(
      FeatureGroup group,
      UploadFormat format,
      SpooledUpload upload,
      List<NewDataFile> written,
      BufferAllocator requestAllocator)
      throws IOException {
    StoredRowBatch first = new StoredRowBatch(group, requestAllocator);
    List<StoredRowBatch> open = new ArrayList<>(List.of(first));
    PendingStore pending = new PendingStore(group, written, requestAllocator);
    try (pending) {
      RowAssembler rows =
          new RowAssembler(
              group,
              clock.instant(),
              EpochMicros.of(allowedFutureSkew),
              first,
              rowsPerBatch.applyAsInt(group),
              limits.newBudget(),
              full -> {
                open.remove(full);
                pending.start(full);
                StoredRowBatch next = new StoredRowBatch(group, requestAllocator);
                open.add(next);
                return next;
              });
      format.decoder(requestAllocator).decode(upload.file(), rows);
      pending.await();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      open.forEach(StoredRowBatch::close);
    }
  }

  /** The one batch being stored in the background; its file joins {@code written} when done. */
  private final class PendingStore implements AutoCloseable {
    private final FeatureGroup group;
    private final List<NewDataFile> written;
    private final BufferAllocator allocator;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private Future<NewDataFile> inFlight;

    PendingStore(FeatureGroup group, List<NewDataFile> written, BufferAllocator allocator) {
      this.allocator = allocator;
      this.group = group;
      this.written = written;
    }

    /** Waits for the previous batch, then stores {@code full} (and closes it) in the background. */
    void start(StoredRowBatch full) {
      try {
        await();
      } catch (RuntimeException e) {
        full.close();
        throw e;
      }
      inFlight =
          executor.submit(
              () -> {
                try (full) {
                  return store(group, full.finish(), allocator);
                }
              });
    }

    /** Waits for the batch in flight; its failure is rethrown as it was raised. */
    void await() {
      if (inFlight == null) {
        return;
      }
      Future<NewDataFile> done = inFlight;
      inFlight = null;
      try {
        written.add(done.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while a batch was being stored", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        throw new IllegalStateException(e.getCause());
      }
    }

    /** Lets a batch still in flight finish, so that a failed upload can delete its file. */
    @Override
    public void close() {
      try {
        await();
      } catch (RuntimeException e) {
        log.warn("Storing a batch failed after its upload had already failed", e);
      } finally {
        executor.close();
      }
    }
  }

  /** Rows per batch so that one batch stays near {@link #TARGET_BATCH_BYTES} decoded. */
  static int rowsPerBatch(FeatureGroup group) {
    long rowBytes = 48;
    for (FeatureDefinition feature : group.features()) {
      rowBytes +=
          switch (feature.type()) {
            case FLOAT32_VECTOR -> 4L * feature.dimension();
            case STRING, BYTES -> 32;
            default -> 8;
          };
    }
    return (int) Math.max(1_024, Math.min(1_000_000, TARGET_BATCH_BYTES / rowBytes));
  }

  private void deleteQuietly(List<NewDataFile> written, Exception failure) {
    for (NewDataFile file : written) {
      try {
        objects.delete(file.objectKey());
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
