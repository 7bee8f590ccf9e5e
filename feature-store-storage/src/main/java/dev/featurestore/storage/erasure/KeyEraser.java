package dev.featurestore.storage.erasure;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.VectorGather;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.ingest.SpineUploads;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.parquet.InvalidFeatureFileException;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an erasure: removes every row of the erased keys from every file of every retained version
 * of the groups on the entity, from every uploaded spine with a column named after the entity, and
 * from the output of every training set that used the keys, then deletes the replaced objects.
 *
 * <p>Files are rewritten in place in the catalog: a rewrite keeps the file's id and the versions
 * that see it, so every version reads exactly what it read before minus the erased rows, and
 * commits made meanwhile are untouched. Each rewrite is recorded with the erasure's progress in one
 * transaction ({@link JdbcErasures}); running an erasure again after a crash skips files that no
 * longer hold the keys, so it is idempotent. Files added while it runs (a concurrent commit or
 * compaction) are examined in further passes until a pass finds no file it has not examined.
 *
 * <p>An uploaded spine is rewritten as Parquet (its columns and their types as recorded, CSV text
 * cells still text) and its catalog row pointed at the rewrite, again in one transaction with the
 * erasure's progress; an upload left without rows stays, empty. Stored training-set requests lose
 * the keys' inline spine rows whatever the training set's status.
 *
 * <p>An object whose bytes cannot be read as what the catalog says it is (damaged after it was
 * stored) is named in the receipt's {@code unreadableObjects} and left as it is, and the erasure
 * goes on: running it again would meet the same bytes, so one such object must not keep the keys in
 * every other one. A failure to reach the object store or the catalog ends the run instead (an
 * {@link IOException} or the catalog's exception): it may pass, and the steps recorded before it
 * stay done for the run that finishes the erasure.
 */
public final class KeyEraser {
  private static final Logger LOG = LoggerFactory.getLogger(KeyEraser.class);

  private final Catalog catalog;
  private final TrainingSetCatalog trainingSets;
  private final JdbcModels models;
  private final JdbcUploads uploads;
  private final JdbcErasures erasures;
  private final LineageIndex lineage;
  private final FeatureGroupReader reader;
  private final FeatureGroupWriter writer;
  private final ExecutorService encoders;
  private final ObjectStore objects;
  private final ObjectCache cache;
  private final BufferAllocator allocator;
  private final Path temporaryFolder;

  public KeyEraser(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      JdbcModels models,
      JdbcUploads uploads,
      JdbcErasures erasures,
      LineageIndex lineage,
      FeatureGroupReader reader,
      FeatureGroupWriter writer,
      ObjectStore objects,
      ObjectCache cache,
      BufferAllocator allocator,
      Path temporaryFolder,
      ExecutorService encoders) {
    this.encoders = requireNonNull(encoders, "encoders is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.models = requireNonNull(models, "models is null");
    this.uploads = requireNonNull(uploads, "uploads is null");
    this.erasures = requireNonNull(erasures, "erasures is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.cache = requireNonNull(cache, "cache is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.temporaryFolder = requireNonNull(temporaryFolder, "temporaryFolder is null");
  }

  /**
   * Steps of an erasure, for job progress: files and uploads that may hold the keys, training sets
   * using them.
   */
  public long plannedSteps(Entity entity, Collection<String> keys) {
    long steps = trainingSetsUsing(entity, keys).size() + uploadsKeyedBy(entity).size();
    for (FeatureGroup group : groupsOf(entity)) {
      steps +=
          catalog.retainedDataFiles(group.name()).stream()
              .filter(file -> mayHoldAny(file, entity.keyType(), keys))
              .count();
    }
    return steps;
  }

  /** Runs (or finishes) the erasure; {@code progress} hears the number of steps done. */
  public ErasureReceipt erase(UUID erasureId, String principal, LongConsumer progress)
      throws IOException {
    Erasure erasure =
        erasures
            .find(erasureId)
            .orElseThrow(() -> new NotFoundException("erasure " + erasureId + " not found"));
    if (erasure.receipt().completedAt().isPresent()) {
      return erasure.receipt();
    }
    Entity entity =
        catalog
            .entity(erasure.entity())
            .orElseThrow(() -> new NotFoundException("entity " + erasure.entity() + " not found"));
    Set<String> keys = Set.copyOf(erasure.pendingKeys());
    long done = 0;
    for (FeatureGroup group : groupsOf(entity)) {
      Set<String> examined = new HashSet<>();
      List<DataFile> unexamined = unexaminedFiles(group, keys, examined);
      while (!unexamined.isEmpty()) {
        for (DataFile file : unexamined) {
          eraseFromFile(erasureId, group, file, keys);
          examined.add(file.id() + "@" + file.objectKey());
          progress.accept(++done);
        }
        unexamined = unexaminedFiles(group, keys, examined);
      }
      // Once per group and erasure that removed rows of it (this run or one before a restart):
      // the commit tells online indexes (of every replica) to rebuild without the erased keys. A
      // group none of whose files held a key gets none: its indexes stay as they are.
      long rowsRemoved = erasures.rowsRemovedFrom(erasureId, group.name());
      if (rowsRemoved > 0) {
        catalog.recordErasure(group.name(), erasureId, rowsRemoved, principal);
      }
    }
    for (Upload upload : uploadsKeyedBy(entity)) {
      eraseFromUpload(erasureId, upload, entity, keys);
      progress.accept(++done);
    }
    Set<UUID> affected = trainingSetsUsing(entity, keys);
    for (UUID id : affected) {
      Optional<TrainingSet> trainingSet = trainingSets.find(id);
      if (trainingSet.isPresent()) {
        eraseFromOutput(erasureId, trainingSet.get(), entity, keys);
      }
      erasures.recordTrainingSetAffected(erasureId, id);
      progress.accept(++done);
    }
    erasures.scrubInlineSpines(entity.name(), keys);
    for (String replaced : erasures.objectsToDelete(erasureId)) {
      objects.delete(replaced);
    }
    List<ErasureReceipt.ModelVersion> retrain =
        models.trainedOn(affected).stream()
            .map(model -> new ErasureReceipt.ModelVersion(model.name(), model.version()))
            .toList();
    erasures.complete(erasureId, retrain);
    return erasures.find(erasureId).orElseThrow().receipt();
  }

  private List<FeatureGroup> groupsOf(Entity entity) {
    return catalog.featureGroups().stream()
        .filter(group -> group.entity().name().equals(entity.name()))
        .toList();
  }

  /**
   * Uploads that may hold the entity's keys: those with a column named after it, of a type a key
   * can have (a column of another type is no key column: no training set can use it as one).
   */
  private List<Upload> uploadsKeyedBy(Entity entity) {
    return uploads.withColumn(entity.name()).stream()
        .filter(
            upload -> {
              FeatureType type = upload.column(entity.name()).orElseThrow().type();
              return type == FeatureType.STRING
                  || type == FeatureType.INT64
                  || type == FeatureType.INT32;
            })
        .toList();
  }

  private Set<UUID> trainingSetsUsing(Entity entity, Collection<String> keys) {
    Set<UUID> used = new LinkedHashSet<>();
    for (String key : keys) {
      used.addAll(lineage.trainingSetsUsing(entity.name(), key).keySet());
    }
    return used;
  }

  private List<DataFile> unexaminedFiles(
      FeatureGroup group, Set<String> keys, Set<String> examined) {
    return catalog.retainedDataFiles(group.name()).stream()
        .filter(file -> !examined.contains(file.id() + "@" + file.objectKey()))
        .filter(file -> mayHoldAny(file, group.entity().keyType(), keys))
        .toList();
  }

  /**
   * Rewrites the file without the keys' rows. A file whose bytes are damaged is named in the
   * receipt and left as it is; a failure to reach the object store ends the run.
   */
  private void eraseFromFile(UUID erasureId, FeatureGroup group, DataFile file, Set<String> keys)
      throws IOException {
    FeatureGroupReader.Snapshot onlyThisFile =
        reader.snapshot(group, file.addedSequence()).restrictedTo(List.of(file));
    try (VectorSchemaRoot kept = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator)) {
      kept.allocateNew();
      long[] removed = {0};
      try {
        onlyThisFile.forEachBatch(
            FeatureFileScan.allFeatures(group),
            batch -> removed[0] += copyRowsWithoutKeys(batch, group.entity(), keys, kept));
      } catch (InvalidFeatureFileException damaged) {
        recordUnreadable(
            erasureId, ErasureReceipt.Holder.FEATURE_FILE, file.id(), file.objectKey(), damaged);
        return;
      }
      if (removed[0] == 0) {
        return;
      }
      Optional<NewDataFile> rewritten =
          kept.getRowCount() == 0 ? Optional.empty() : Optional.of(writer.store(group, kept));
      boolean recorded =
          erasures.recordFileRewrite(
              erasureId, group.name(), file, rewritten, group.schemaVersion(), removed[0]);
      if (!recorded) {
        // Another erasure rewrote the file first; ours is an orphan now.
        if (rewritten.isPresent()) {
          objects.delete(rewritten.get().objectKey());
        }
        return;
      }
      cache.evict(file.contentHash());
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Rewrites a training set's output without the rows of the keys (matched on the entity's column).
   * An output whose bytes are damaged is named in the receipt and left as it is.
   */
  private void eraseFromOutput(
      UUID erasureId, TrainingSet trainingSet, Entity entity, Set<String> keys) throws IOException {
    if (trainingSet.outputObjectKey().isEmpty() || trainingSet.rows() == 0) {
      return;
    }
    String oldObjectKey = trainingSet.outputObjectKey().get();
    String oldHash = trainingSet.outputHash().orElseThrow();
    Path original = cache.localCopy(oldObjectKey, oldHash);
    Path rewritten = temporaryFolder.resolve(UUID.randomUUID() + ".parquet");
    try {
      long removed = 0;
      ArrowParquetWriter.WrittenFile written;
      try (ArrowParquetReader outputRows =
              ArrowParquetReader.open(
                  new LocalFileInput(original), FeatureFileScan.DEFAULT_BATCH_ROWS, allocator);
          VectorSchemaRoot kept = VectorSchemaRoot.create(outputRows.schema(), allocator);
          ArrowParquetWriter output =
              new ArrowParquetWriter(
                  rewritten, trainingSet.name(), outputRows.schema(), encoders)) {
        while (outputRows.loadNextBatch()) {
          kept.allocateNew();
          kept.setRowCount(0);
          removed += copyRowsWithoutKeys(outputRows.batch(), entity, keys, kept);
          output.write(kept);
        }
        written = output.finish();
      } catch (InvalidInputException damaged) {
        recordUnreadable(
            erasureId,
            ErasureReceipt.Holder.TRAINING_SET_OUTPUT,
            trainingSet.id(),
            oldObjectKey,
            damaged);
        return;
      }
      if (removed == 0) {
        return;
      }
      String newObjectKey = ObjectLayout.trainingSetOutputAfterErasure(trainingSet.id(), erasureId);
      long removedRows = removed;
      boolean recorded =
          storeRewrite(
              newObjectKey,
              rewritten,
              () ->
                  erasures.recordTrainingSetRewrite(
                      erasureId,
                      trainingSet.id(),
                      oldObjectKey,
                      newObjectKey,
                      written.sha256(),
                      written.rowCount(),
                      removedRows));
      if (recorded) {
        cache.evict(oldHash);
      }
    } finally {
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * Rewrites an uploaded spine without the rows of the keys (matched on the entity's column), as
   * Parquet. It is read whole by {@link SpineUploads#load} with no key column converted: columns
   * keep their types, times become UTC microseconds ({@code event_time} in CSV too, checked when it
   * arrived), so a training set reading the rewrite sees the spine it saw before, minus those rows.
   * An upload whose bytes no longer read as a spine with the entity's column is named in the
   * receipt and left as it is; a failure to reach the object store ends the run.
   */
  private void eraseFromUpload(UUID erasureId, Upload upload, Entity entity, Set<String> keys)
      throws IOException {
    UploadFormat format = UploadFormat.ofContentType(upload.contentType()).orElseThrow();
    Path original = temporaryFolder.resolve("upload-" + UUID.randomUUID());
    Path rewritten = temporaryFolder.resolve(UUID.randomUUID() + ".parquet");
    try {
      try (InputStream in = objects.get(upload.objectKey())) {
        Files.copy(in, original, StandardCopyOption.REPLACE_EXISTING);
      }
      VectorSchemaRoot loaded;
      try {
        loaded = SpineUploads.load(format, original, List.of(), allocator);
      } catch (InvalidInputException damaged) {
        recordUnreadable(
            erasureId, ErasureReceipt.Holder.UPLOAD, upload.id(), upload.objectKey(), damaged);
        return;
      }
      long removed;
      ArrowParquetWriter.WrittenFile written;
      try (VectorSchemaRoot spine = loaded;
          VectorSchemaRoot kept = VectorSchemaRoot.create(spine.getSchema(), allocator);
          ArrowParquetWriter output =
              new ArrowParquetWriter(rewritten, "spine", kept.getSchema(), encoders)) {
        if (!(spine.getVector(entity.name()) instanceof BaseIntVector)
            && !(spine.getVector(entity.name()) instanceof VarCharVector)) {
          recordUnreadable(
              erasureId,
              ErasureReceipt.Holder.UPLOAD,
              upload.id(),
              upload.objectKey(),
              new InvalidInputException(
                  entity.name(), "the stored object has no such column of keys, as recorded"));
          return;
        }
        kept.allocateNew();
        removed = copyRowsWithoutKeys(spine, entity, keys, kept);
        if (removed == 0) {
          return;
        }
        output.write(kept);
        written = output.finish();
      }
      String newObjectKey = ObjectLayout.uploadAfterErasure(upload.id(), erasureId);
      storeRewrite(
          newObjectKey,
          rewritten,
          () ->
              erasures.recordUploadRewrite(
                  erasureId,
                  upload.id(),
                  upload.objectKey(),
                  newObjectKey,
                  UploadFormat.PARQUET.mediaType(),
                  written.byteSize(),
                  written.rowCount(),
                  removed));
    } finally {
      Files.deleteIfExists(original);
      Files.deleteIfExists(rewritten);
    }
  }

  /**
   * Names a damaged object in the receipt: rewriting it cannot succeed however often the erasure is
   * run, and one such object must not keep the keys in every other one.
   */
  private void recordUnreadable(
      UUID erasureId, ErasureReceipt.Holder heldBy, UUID id, String objectKey, Exception damage) {
    LOG.warn(
        "Erasure {} cannot read {} {} (object {}), which may still hold the erased keys: {}",
        erasureId,
        heldBy,
        id,
        objectKey,
        damage.getMessage());
    erasures.recordUnreadable(
        erasureId, new ErasureReceipt.UnreadableObject(heldBy, id, objectKey, damage.getMessage()));
  }

  /**
   * Stores a rewritten object under {@code objectKey} and records it; returns false, deleting the
   * object again, when {@code record} finds that another erasure rewrote the original first. The
   * key is the same when a restarted erasure repeats the step, so a crash before recording leaves
   * no second copy.
   */
  private boolean storeRewrite(String objectKey, Path file, BooleanSupplier record)
      throws IOException {
    objects.put(objectKey, file);
    if (record.getAsBoolean()) {
      return true;
    }
    objects.delete(objectKey);
    return false;
  }

  /**
   * Appends the rows of {@code batch} whose key (in the entity's column) is not erased to {@code
   * kept}, matching columns by name; returns how many rows it left out.
   */
  private static long copyRowsWithoutKeys(
      VectorSchemaRoot batch, Entity entity, Set<String> keys, VectorSchemaRoot kept) {
    FieldVector keyVector = batch.getVector(entity.name());
    int[] keptRows = new int[batch.getRowCount()];
    int keptCount = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (keyVector.isNull(row) || !keys.contains(keyText(keyVector, row, entity.keyType()))) {
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

  /**
   * The key in a row as erasures name keys. Feature files and outputs hold the entity's key type;
   * an upload's key column may also hold 32-bit integers, or text (CSV) that a training set parses
   * as an INT64 entity's integer keys, and so is compared as the integer it spells.
   */
  private static String keyText(FieldVector keyVector, int row, KeyType keyType) {
    if (keyVector instanceof BaseIntVector integers) {
      return Long.toString(integers.getValueAsLong(row));
    }
    String text = new String(((VarCharVector) keyVector).get(row), StandardCharsets.UTF_8);
    if (keyType == KeyType.INT64) {
      try {
        return Long.toString(Long.parseLong(text.strip()));
      } catch (NumberFormatException notANumber) {
        // No INT64 key spells this text; a training set would reject the row.
      }
    }
    return text;
  }

  /** Whether the file's key range (from the catalog's stats) covers any of the keys. */
  private static boolean mayHoldAny(DataFile file, KeyType keyType, Collection<String> keys) {
    if (file.rowCount() == 0) {
      // Emptied by an earlier erasure (its key range is that of the rows it had).
      return false;
    }
    if (file.keyMin() == null || file.keyMax() == null) {
      return true;
    }
    KeyRange range = KeyRange.ofText(keyType, file.keyMin(), file.keyMax());
    for (String key : keys) {
      if (range.containsText(key)) {
        return true;
      }
    }
    return false;
  }
}
