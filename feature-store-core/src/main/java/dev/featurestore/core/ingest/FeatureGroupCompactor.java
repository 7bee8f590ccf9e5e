package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.catalog.WrittenObjects;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
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
 * any version returns the same rows before and after compaction. The merged files are committed as
 * {@link WrittenObjects}: deleted when the commit fails, kept when its outcome is unknown.
 */
public final class FeatureGroupCompactor {
  /** Files at least this large are left as they are. */
  public static final long SMALL_FILE_BYTES = 32L << 20;

  private final Catalog catalog;
  private final ObjectStore objects;
  private final StoredRowReader reader;
  private final FeatureGroupWriter writer;
  private final BufferAllocator allocator;
  private final long memoryPerCompaction;

  /**
   * @param allocator the parent of every compaction's own allocator
   * @param memoryPerCompaction the Arrow memory one compaction may hold (the files it reads, the
   *     merged run and its sorted copy); beyond it the compaction fails with Arrow's {@code
   *     OutOfMemoryException} and commits nothing
   */
  public FeatureGroupCompactor(
      Catalog catalog,
      ObjectStore objects,
      StoredRowReader reader,
      FeatureGroupWriter writer,
      BufferAllocator allocator,
      long memoryPerCompaction) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.writer = requireNonNull(writer, "writer is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    if (memoryPerCompaction < 1) {
      throw new IllegalArgumentException("memoryPerCompaction must be positive");
    }
    this.memoryPerCompaction = memoryPerCompaction;
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
    long sequence = catalog.latestSequence(groupName);
    List<DataFile> small = new ArrayList<>();
    for (DataFile file : catalog.dataFiles(groupName, sequence)) {
      if (file.byteSize() < SMALL_FILE_BYTES) {
        small.add(file);
      }
    }
    if (small.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(
        WrittenObjects.commitOrDelete(
            objects,
            written -> {
              try (BufferAllocator compactionAllocator =
                  allocator.newChildAllocator("compaction-" + groupName, 0, memoryPerCompaction)) {
                // Runs of files small enough to merge in memory, like one batch of an upload.
                long maxRowsPerRun = FeatureGroupWriter.rowsPerBatch(group);
                List<DataFile> run = new ArrayList<>();
                long runRows = 0;
                for (DataFile file : small) {
                  if (!run.isEmpty() && runRows + file.rowCount() > maxRowsPerRun) {
                    written.add(merge(group, sequence, run, compactionAllocator));
                    run.clear();
                    runRows = 0;
                  }
                  run.add(file);
                  runRows += file.rowCount();
                }
                written.add(merge(group, sequence, run, compactionAllocator));
              }
              return catalog.compact(
                  new PendingCompaction(
                      groupName,
                      group.schemaVersion(),
                      small.stream().map(DataFile::id).toList(),
                      written,
                      principal));
            }));
  }

  private NewDataFile merge(
      FeatureGroup group, long sequence, List<DataFile> run, BufferAllocator compactionAllocator)
      throws IOException {
    try (VectorSchemaRoot merged =
        VectorSchemaRoot.create(StoredRowSchema.of(group), compactionAllocator)) {
      merged.allocateNew();
      reader.forEachBatch(
          group,
          sequence,
          run,
          compactionAllocator,
          batch -> {
            int offset = merged.getRowCount();
            for (FieldVector target : merged.getFieldVectors()) {
              VectorGather.copyRange(
                  batch.getVector(target.getName()), 0, batch.getRowCount(), target, offset);
            }
            merged.setRowCount(offset + batch.getRowCount());
          });
      return writer.store(group, merged, compactionAllocator);
    }
  }
}
