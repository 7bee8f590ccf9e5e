package dev.featurestore.storage.online;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.online.LatestValueIndex;
import dev.featurestore.core.online.OnlineIndexSource;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.read.FeatureGroupReader;
import java.io.IOException;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Brings a {@link LatestValueIndex} up to its group's latest commit from the group's files: the
 * whole group for a new index, only the files added since the applied commit for one that is being
 * kept fresh.
 *
 * <p>Each catch-up or reload reads its files' batches from its own child of {@code allocator},
 * limited to {@code memoryPerBuild} bytes ({@code feature-store.memory.per-request}): an allocation
 * beyond it throws Arrow's {@code OutOfMemoryException}, which fails that build, not the server.
 */
public final class OnlineIndexLoader implements OnlineIndexSource {
  private final Catalog catalog;
  private final FeatureGroupReader reader;
  private final BufferAllocator allocator;
  private final long memoryPerBuild;

  public OnlineIndexLoader(
      Catalog catalog, FeatureGroupReader reader, BufferAllocator allocator, long memoryPerBuild) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.reader = requireNonNull(reader, "reader is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    if (memoryPerBuild < 1) {
      throw new IllegalArgumentException("memoryPerBuild must be positive");
    }
    this.memoryPerBuild = memoryPerBuild;
  }

  /**
   * Follows {@code group}'s schema evolution, applies the rows of every file added after the
   * index's applied sequence and marks the latest commit applied; does nothing (reads no file) when
   * the index is current. Files are decoded in parallel and their batches applied on the calling
   * thread in any order, which the index's merge allows.
   *
   * @param group the group as the catalog describes it now
   */
  @Override
  public CatchUp catchUp(LatestValueIndex index, FeatureGroup group) throws IOException {
    long latest = catalog.latestSequence(group.name());
    boolean evolved = group.schemaVersion() > index.group().schemaVersion();
    if (!evolved && index.appliedSequence() >= latest) {
      return new CatchUp(index.appliedSequence(), 0);
    }
    if (evolved) {
      index.evolve(group);
    }
    FeatureGroupReader.Snapshot changes = reader.addedAfter(group, latest, index.appliedSequence());
    try (BufferAllocator build = buildAllocator(group)) {
      changes.forEachBatchInAnyOrder(FeatureFileScan.allFeatures(group), build, index::apply);
    }
    index.markApplied(latest);
    return new CatchUp(latest, changes.rowCount());
  }

  /**
   * Applies every file of the group's latest commit to the index again, in place, and removes the
   * keys none of them holds any more ({@link LatestValueIndex#reload}): an index that does not fit
   * twice in the memory budget follows an erasure this way.
   *
   * @param group the group as the catalog describes it now
   */
  @Override
  public CatchUp reload(LatestValueIndex index, FeatureGroup group) throws IOException {
    long latest = catalog.latestSequence(group.name());
    if (group.schemaVersion() > index.group().schemaVersion()) {
      index.evolve(group);
    }
    FeatureGroupReader.Snapshot files = reader.addedAfter(group, latest, 0);
    LatestValueIndex.Reload reload = index.reload();
    try (BufferAllocator build = buildAllocator(group)) {
      files.forEachBatchInAnyOrder(FeatureFileScan.allFeatures(group), build, reload::apply);
    }
    reload.finish();
    index.markApplied(latest);
    return new CatchUp(latest, files.rowCount());
  }

  private BufferAllocator buildAllocator(FeatureGroup group) {
    return allocator.newChildAllocator("online-index-" + group.name(), 0, memoryPerBuild);
  }
}
