package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingAppend;
import dev.featurestore.core.join.JoinTestData;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.read.FeatureGroupVersion;
import dev.featurestore.core.read.FeatureGroupVersions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Stored rows in memory over a {@link Catalog} (an {@link InMemoryCatalog}): {@link #append}
 * commits one file of rows as ingest would, and a version reads the rows of exactly the files the
 * catalog shows at it, one fresh batch per file, with the adding commit's sequence and write time.
 */
public final class InMemoryFeatureGroupVersions implements FeatureGroupVersions {
  /** A row as ingested: its key (a String or a Long), event time and feature values by name. */
  public record Row(Object key, Instant eventTime, Map<String, Object> features) {
    public Row {
      requireNonNull(key, "key is null");
      requireNonNull(eventTime, "eventTime is null");
      features = Map.copyOf(features);
    }
  }

  private final Catalog catalog;
  private final BufferAllocator allocator;
  private final Map<String, List<Row>> rowsByObjectKey = new ConcurrentHashMap<>();

  public InMemoryFeatureGroupVersions(Catalog catalog, BufferAllocator allocator) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  /** Commits {@code rows} to the group as one file; returns the commit. */
  public Commit append(String groupName, List<Row> rows) {
    FeatureGroup group = catalog.featureGroup(groupName).orElseThrow();
    String objectKey = "in-memory/" + groupName + "/" + UUID.randomUUID();
    List<Row> sorted =
        rows.stream()
            .sorted(
                Comparator.comparing((Row row) -> String.valueOf(row.key()))
                    .thenComparing(Row::eventTime))
            .toList();
    rowsByObjectKey.put(objectKey, sorted);
    NewDataFile file =
        new NewDataFile(
            objectKey,
            rows.size(),
            rows.size(),
            "content-of-" + objectKey,
            String.valueOf(sorted.getFirst().key()),
            String.valueOf(sorted.getLast().key()),
            rows.stream().map(Row::eventTime).min(Comparator.naturalOrder()).orElseThrow(),
            rows.stream().map(Row::eventTime).max(Comparator.naturalOrder()).orElseThrow());
    return catalog.commit(
        new PendingAppend(
            groupName, group.schemaVersion(), List.of(file), Optional.empty(), objectKey, "test"));
  }

  @Override
  public FeatureGroupVersion at(FeatureGroup group, long sequence) {
    List<DataFile> files = catalog.dataFiles(group.name(), sequence);
    Map<Long, Long> writeTimes = new HashMap<>();
    for (Commit commit : catalog.commits(group.name())) {
      writeTimes.put(commit.sequence(), EpochMicros.of(commit.writeTime()));
    }
    return new Version(group, sequence, files, writeTimes);
  }

  private final class Version implements FeatureGroupVersion {
    private final FeatureGroup group;
    private final long sequence;
    private final List<DataFile> files;
    private final Map<Long, Long> writeTimeMicrosBySequence;

    Version(FeatureGroup group, long sequence, List<DataFile> files, Map<Long, Long> writeTimes) {
      this.group = group;
      this.sequence = sequence;
      this.files = List.copyOf(files);
      this.writeTimeMicrosBySequence = writeTimes;
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

    @Override
    public StoredRowSource rowsInAnyOrder(List<String> features) {
      return consumer -> forEachFile(features, consumer);
    }

    @Override
    public void forEachBatchInStoredOrder(Consumer<VectorSchemaRoot> consumer) {
      forEachFile(group.features().stream().map(feature -> feature.name()).toList(), consumer);
    }

    @Override
    public void forEachBatchMayHold(KeyRange keys, Consumer<VectorSchemaRoot> consumer) {
      forEachFile(List.of(), consumer);
    }

    private void forEachFile(List<String> features, Consumer<VectorSchemaRoot> consumer) {
      Schema schema = StoredRowSchema.of(group);
      List<Field> fields = new ArrayList<>(schema.getFields().subList(0, 5));
      for (String feature : features) {
        fields.add(schema.findField(feature));
      }
      for (DataFile file : files) {
        List<Row> rows = rowsByObjectKey.get(file.objectKey());
        try (VectorSchemaRoot batch = VectorSchemaRoot.create(new Schema(fields), allocator)) {
          batch.allocateNew();
          for (int row = 0; row < rows.size(); row++) {
            Row stored = rows.get(row);
            JoinTestData.setValue(batch.getVector(0), row, stored.key());
            JoinTestData.setValue(batch.getVector(1), row, EpochMicros.of(stored.eventTime()));
            JoinTestData.setValue(batch.getVector(2), row, file.addedSequence());
            JoinTestData.setValue(
                batch.getVector(3), row, writeTimeMicrosBySequence.get(file.addedSequence()));
            JoinTestData.setValue(batch.getVector(4), row, (long) row);
            for (int feature = 0; feature < features.size(); feature++) {
              JoinTestData.setValue(
                  batch.getVector(5 + feature), row, stored.features().get(features.get(feature)));
            }
          }
          batch.setRowCount(rows.size());
          consumer.accept(batch);
        }
      }
    }
  }
}
