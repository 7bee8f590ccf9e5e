package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.catalog.WrittenObjects;
import dev.featurestore.core.discovery.FileStatistics;
import dev.featurestore.core.erasure.ErasedKeyScreen;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.ToIntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Appends uploaded rows to a feature group as one atomic commit: decode the upload in bounded
 * batches, sort each batch by (key, event time), write it as an immutable feature file under a new
 * object key, then make all the files visible in one catalog commit ({@link WrittenObjects}): if
 * anything fails before the commit, or the commit definitely fails, the objects written so far are
 * deleted (those the process could not delete, because it died, are swept by the orphan janitor),
 * so a failed upload leaves no trace and can simply be retried. When the outcome of the commit is
 * unknown ({@link CommitStateUnknownException}) the catalog may reference the objects, so they
 * stay: a retry with the same idempotency key answers the commit if it was made, and the orphan
 * janitor deletes the objects if it was not.
 *
 * <p>Erased keys stay erased: the entity's tombstones are loaded once per append, and rows whose
 * key has one refuse the whole commit ({@link ErasedKeyException}) or, where the group's policy is
 * {@code DROP}, are left out and counted in the commit.
 */
public final class FeatureGroupWriter {
  private static final System.Logger log = System.getLogger(FeatureGroupWriter.class.getName());

  /** Decoded bytes per batch (and so per file) before it is sorted and written. */
  private static final long TARGET_BATCH_BYTES = 64L << 20;

  /**
   * What bounds one append.
   *
   * @param temporaryFolder where files are written before they are put in the object store
   * @param allowedFutureSkew how far past the server's clock an event time may lie
   * @param limits what one upload may decode to; beyond them it fails and nothing is stored
   * @param memoryPerRequest the Arrow memory one append may hold; an allocation beyond it throws
   *     Arrow's {@code OutOfMemoryException} and nothing is stored
   * @param rowsPerBatch rows per batch (and so per file) of a group: tests make them small, so that
   *     a small upload stores several files while it is still being decoded
   */
  public record Settings(
      Path temporaryFolder,
      Duration allowedFutureSkew,
      UploadLimits limits,
      long memoryPerRequest,
      ToIntFunction<FeatureGroup> rowsPerBatch) {
    public Settings {
      requireNonNull(temporaryFolder, "temporaryFolder is null");
      requireNonNull(allowedFutureSkew, "allowedFutureSkew is null");
      requireNonNull(limits, "limits is null");
      requireNonNull(rowsPerBatch, "rowsPerBatch is null");
      if (memoryPerRequest < 1) {
        throw new IllegalArgumentException("memoryPerRequest must be positive");
      }
    }

    /** Uploads bounded only by memory, in batches near 64 MiB decoded. */
    public static Settings of(Path temporaryFolder, Duration allowedFutureSkew) {
      return new Settings(
          temporaryFolder,
          allowedFutureSkew,
          UploadLimits.NONE,
          Long.MAX_VALUE,
          FeatureGroupWriter::rowsPerBatch);
    }

    public Settings withLimits(UploadLimits limits) {
      return new Settings(
          temporaryFolder, allowedFutureSkew, limits, memoryPerRequest, rowsPerBatch);
    }

    public Settings withMemoryPerRequest(long memoryPerRequest) {
      return new Settings(
          temporaryFolder, allowedFutureSkew, limits, memoryPerRequest, rowsPerBatch);
    }

    public Settings withRowsPerBatch(ToIntFunction<FeatureGroup> rowsPerBatch) {
      return new Settings(
          temporaryFolder, allowedFutureSkew, limits, memoryPerRequest, rowsPerBatch);
    }
  }

  private final Catalog catalog;
  private final ObjectStore objects;
  private final FeatureFileFormat fileFormat;
  private final BufferAllocator allocator;
  private final Executor storeThreads;
  private final Clock clock;
  private final Settings settings;
  private final Tombstones tombstones;
  private final KeyDigests keyDigests;

  /**
   * @param allocator the parent of every append's own allocator, limited to {@link
   *     Settings#memoryPerRequest}
   * @param storeThreads where full batches are sorted and stored while the next one is decoded; a
   *     bounded pool the server's work shares, one task per append at a time, which offers half of
   *     its sort and gather to the pool again ({@link ParallelPair})
   */
  public FeatureGroupWriter(
      Catalog catalog,
      ObjectStore objects,
      FeatureFileFormat fileFormat,
      BufferAllocator allocator,
      Executor storeThreads,
      Clock clock,
      Settings settings,
      Tombstones tombstones,
      KeyDigests keyDigests) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.fileFormat = requireNonNull(fileFormat, "fileFormat is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.storeThreads = requireNonNull(storeThreads, "storeThreads is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.settings = requireNonNull(settings, "settings is null");
    this.tombstones = requireNonNull(tombstones, "tombstones is null");
    this.keyDigests = requireNonNull(keyDigests, "keyDigests is null");
  }

  public Commit append(
      String groupName,
      RowFormat format,
      SpooledUpload upload,
      Optional<String> idempotencyKey,
      String principal)
      throws IOException {
    FeatureGroup group =
        catalog
            .featureGroup(groupName)
            .orElseThrow(
                () -> new NotFoundException("feature group '" + groupName + "' not found"));
    if (idempotencyKey.isPresent()
        && catalog.commitByIdempotencyKey(groupName, idempotencyKey.get()).isPresent()) {
      // The catalog compares request hashes inside its commit; a cheap early answer here.
      return catalog.commit(
          new PendingAppend(
              groupName,
              group.schemaVersion(),
              List.of(),
              idempotencyKey,
              upload.sha256(),
              principal));
    }
    String entity = group.entity().name();
    ErasedRowTally erasedRows =
        new ErasedRowTally(group.erasedKeys(), ErasedKeyScreen.of(entity, tombstones, keyDigests));
    return WrittenObjects.commitOrDelete(
        objects,
        written -> {
          try (BufferAllocator requestAllocator =
              allocator.newChildAllocator("append-" + groupName, 0, settings.memoryPerRequest())) {
            decodeAndWrite(group, format, upload, written, requestAllocator, erasedRows);
          }
          erasedRows.refuseIfAnyErased(entity);
          if (written.isEmpty() && erasedRows.droppedRows() == 0) {
            throw new InvalidInputException("rows", "the upload holds no rows");
          }
          return catalog.commit(
              new PendingAppend(
                  groupName,
                  group.schemaVersion(),
                  written,
                  idempotencyKey,
                  upload.sha256(),
                  principal,
                  erasedRows.droppedRows()));
        });
  }

  /**
   * Decodes and stores an upload's rows as feature files in this writer's object store, as {@link
   * #append} does, but neither screens erased keys nor commits: the files are the caller's. The
   * server's start-up warm-up runs the ingest path this way on a scratch object store of its own.
   */
  public List<NewDataFile> storeUncommitted(
      FeatureGroup group, RowFormat format, SpooledUpload upload) throws IOException {
    List<NewDataFile> written = new ArrayList<>();
    ErasedRowTally nothingErased =
        new ErasedRowTally(
            group.erasedKeys(), new ErasedKeyScreen(group.entity().name(), Set.of(), keyDigests));
    try (BufferAllocator requestAllocator =
        allocator.newChildAllocator("store-" + group.name(), 0, settings.memoryPerRequest())) {
      decodeAndWrite(group, format, upload, written, requestAllocator, nothingErased);
    }
    return written;
  }

  /**
   * Sorts {@code rows} by (key, event time), writes them as one feature file under a new object key
   * and returns its stats and its features' statistics for the catalog, allocating the sorted copy
   * from the writer's allocator; compaction and erasure store their rewritten files the same way.
   */
  public NewDataFile store(FeatureGroup group, VectorSchemaRoot rows) throws IOException {
    return store(group, rows, allocator);
  }

  /** As {@link #store(FeatureGroup, VectorSchemaRoot)}, sorting in {@code sortingAllocator}. */
  public NewDataFile store(
      FeatureGroup group, VectorSchemaRoot rows, BufferAllocator sortingAllocator)
      throws IOException {
    return storeInOrder(
        group, rows, StoredRowSorter.sortOrder(rows, storeThreads), sortingAllocator);
  }

  /**
   * Stores an uploaded batch without the rows whose key was erased (all of them once the commit is
   * refused); empty when no row is left to store.
   */
  private Optional<NewDataFile> storeUploaded(
      FeatureGroup group,
      VectorSchemaRoot rows,
      BufferAllocator sortingAllocator,
      ErasedRowTally erasedRows)
      throws IOException {
    int[] order = erasedRows.rowsToStore(rows, StoredRowSorter.sortOrder(rows, storeThreads));
    return order.length == 0
        ? Optional.empty()
        : Optional.of(storeInOrder(group, rows, order, sortingAllocator));
  }

  /** Writes the rows at {@code order}'s positions, a sort order, as one feature file. */
  private NewDataFile storeInOrder(
      FeatureGroup group, VectorSchemaRoot rows, int[] order, BufferAllocator sortingAllocator)
      throws IOException {
    String objectKey = ObjectLayout.newFeatureGroupFile(group.name());
    Path file = settings.temporaryFolder().resolve(UUID.randomUUID() + ".parquet");
    try (VectorSchemaRoot sorted =
        StoredRowSorter.copyInOrder(rows, order, sortingAllocator, storeThreads)) {
      // One pass per feature column, on the store threads while the next batch decodes.
      FileStatistics statistics = FileStatistics.of(group, sorted, storeThreads);
      DataFileStats stats = fileFormat.write(group, sorted, file);
      objects.put(objectKey, file);
      return new NewDataFile(
          objectKey,
          stats.rowCount(),
          stats.byteSize(),
          stats.sha256(),
          stats.keyRange().minText(),
          stats.keyRange().maxText(),
          stats.minEventTime(),
          stats.maxEventTime(),
          statistics);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        log.log(System.Logger.Level.WARNING, "Could not delete temporary file " + file, e);
      }
    }
  }

  /**
   * Decodes on the calling thread while the previous full batch is sorted and written on a store
   * thread (both cores busy), with at most one batch in flight so memory stays bounded: the batch
   * being filled, the batch being stored and its sorted copy.
   */
  private void decodeAndWrite(
      FeatureGroup group,
      RowFormat format,
      SpooledUpload upload,
      List<NewDataFile> written,
      BufferAllocator requestAllocator,
      ErasedRowTally erasedRows)
      throws IOException {
    StoredRowBatch first = new StoredRowBatch(group, requestAllocator);
    List<StoredRowBatch> open = new ArrayList<>(List.of(first));
    PendingStore pending = new PendingStore(group, written, requestAllocator, erasedRows);
    try {
      RowDestination destination =
          new RowDestination(
              group,
              clock.instant(),
              EpochMicros.of(settings.allowedFutureSkew()),
              first,
              settings.rowsPerBatch().applyAsInt(group),
              settings.limits().newBudget(),
              full -> {
                open.remove(full);
                pending.start(full);
                StoredRowBatch next = new StoredRowBatch(group, requestAllocator);
                open.add(next);
                return next;
              },
              requestAllocator);
      format.decode(upload.file(), destination);
      pending.await();
    } catch (UncheckedIOException e) {
      IOException failure = e.getCause();
      pending.awaitAfter(failure);
      throw failure;
    } catch (IOException | RuntimeException e) {
      pending.awaitAfter(e);
      throw e;
    } finally {
      open.forEach(StoredRowBatch::close);
    }
  }

  /** The one batch being stored on a store thread; its file joins {@code written} when done. */
  private final class PendingStore {
    private final FeatureGroup group;
    private final List<NewDataFile> written;
    private final BufferAllocator allocator;
    private final ErasedRowTally erasedRows;
    private CompletableFuture<Optional<NewDataFile>> inFlight;

    PendingStore(
        FeatureGroup group,
        List<NewDataFile> written,
        BufferAllocator allocator,
        ErasedRowTally erasedRows) {
      this.allocator = allocator;
      this.group = group;
      this.written = written;
      this.erasedRows = erasedRows;
    }

    /** Waits for the previous batch, then stores {@code full} (and closes it) in the background. */
    void start(StoredRowBatch full) {
      try {
        await();
      } catch (IOException e) {
        full.close();
        throw new UncheckedIOException(e);
      } catch (RuntimeException e) {
        full.close();
        throw e;
      }
      try {
        inFlight =
            CompletableFuture.supplyAsync(
                () -> {
                  try (full) {
                    return storeUploaded(group, full.finish(), allocator, erasedRows);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                storeThreads);
      } catch (RuntimeException e) {
        full.close(); // the store threads refused it
        throw e;
      }
    }

    /** Waits for the batch in flight; its failure is rethrown as it was raised. */
    void await() throws IOException {
      if (inFlight == null) {
        return;
      }
      CompletableFuture<Optional<NewDataFile>> done = inFlight;
      inFlight = null;
      try {
        done.get().ifPresent(written::add);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while a batch was being stored", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        switch (cause) {
          case UncheckedIOException io -> throw io.getCause();
          case RuntimeException runtime -> throw runtime;
          case Error error -> throw error;
          default -> throw new IllegalStateException(cause);
        }
      }
    }

    /**
     * Lets a batch still in flight finish after the upload failed, so that its file is deleted with
     * the others; should storing it fail too, that is kept as suppressed on {@code failure}.
     */
    void awaitAfter(Exception failure) {
      try {
        await();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** Rows per batch so that one batch stays near {@link #TARGET_BATCH_BYTES} decoded. */
  public static int rowsPerBatch(FeatureGroup group) {
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
}
