package dev.featurestore.storage.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.ingest.VectorGather;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Merges a group's small files into larger sorted ones as one {@code COMPACTION} commit. Rewritten
 * files carry every row's real commit sequence and write time (append files leave them to the
 * adding commit), and the replaced files stay readable by every earlier version, so a read as of
 * any version returns the same rows before and after compaction.
 */
public final class FeatureGroupCompactor {
  /** Files at least this large are left as they are. */
  static final long SMALL_FILE_BYTES = 32L << 20;

  private final Catalog catalog;
  private final ObjectStore objects;
  private final FeatureGroupReader reader;
  private final FeatureGroupWriter writer;
  private final BufferAllocator allocator;

  public FeatureGroupCompactor(
      Catalog catalog,
      ObjectStore objects,
      FeatureGroupReader reader,
      FeatureGroupWriter writer,
      BufferAllocator allocator) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  /**
   * Compacts the group when its latest version has at least {@code smallFiles} small files (at
   * least two): what runs after commits, so that a stream of small commits does not leave every
   * read opening thousands of files. The check is one count in the catalog.
   */
  public Optional<Commit> compactIfAtLeast(String groupName, int smallFiles, String principal)
      throws IOException {
    if (catalog.liveFilesSmallerThan(groupName, SMALL_FILE_BYTES) < Math.max(2, smallFiles)) {
      return Optional.empty();
    }
    return compact(groupName, principal);
  }

  /** The compaction commit, or empty when the group has fewer than two small files. */
  public Optional<Commit> compact(String groupName, String principal) throws IOException {
    FeatureGroup group =
        catalog
            .featureGroup(groupName)
            .orElseThrow(
                () -> new NotFoundException("feature group '" + groupName + "' not found"));
    FeatureGroupReader.Snapshot latest = reader.snapshot(group, catalog.latestSequence(groupName));
    List<DataFile> small = new ArrayList<>();
    for (DataFile file : latest.files()) {
      if (file.byteSize() < SMALL_FILE_BYTES) {
        small.add(file);
      }
    }
    if (small.size() < 2) {
      return Optional.empty();
    }
    List<NewDataFile> written = new ArrayList<>();
    try {
      // Runs of files small enough to merge in memory, like one batch of an upload.
      long maxRowsPerRun = FeatureGroupWriter.rowsPerBatch(group);
      List<DataFile> run = new ArrayList<>();
      long runRows = 0;
      for (DataFile file : small) {
        if (!run.isEmpty() && runRows + file.rowCount() > maxRowsPerRun) {
          written.add(merge(group, latest.restrictedTo(run)));
          run.clear();
          runRows = 0;
        }
        run.add(file);
        runRows += file.rowCount();
      }
      written.add(merge(group, latest.restrictedTo(run)));
      return Optional.of(
          catalog.compact(
              new PendingCompaction(
                  groupName,
                  group.schemaVersion(),
                  small.stream().map(DataFile::id).toList(),
                  written,
                  principal)));
    } catch (CommitStateUnknownException e) {
      // The catalog may reference the merged objects now; if not, the orphan janitor deletes them.
      throw e;
    } catch (IOException | RuntimeException e) {
      for (NewDataFile file : written) {
        try {
          objects.delete(file.objectKey());
        } catch (IOException | RuntimeException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  private NewDataFile merge(FeatureGroup group, FeatureGroupReader.Snapshot files)
      throws IOException {
    try (VectorSchemaRoot merged = VectorSchemaRoot.create(StoredRowSchema.of(group), allocator)) {
      merged.allocateNew();
      files.forEachBatch(
          FeatureFileScan.allFeatures(group),
          batch -> {
            int offset = merged.getRowCount();
            int[] everyRow = VectorGather.identity(batch.getRowCount());
            for (FieldVector target : merged.getFieldVectors()) {
              VectorGather.gather(
                  batch.getVector(target.getName()),
                  everyRow,
                  0,
                  batch.getRowCount(),
                  target,
                  offset);
            }
            merged.setRowCount(offset + batch.getRowCount());
          });
      return writer.store(group, merged);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
