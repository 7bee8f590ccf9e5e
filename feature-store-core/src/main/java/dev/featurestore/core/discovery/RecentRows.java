package dev.featurestore.core.discovery;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.ingest.StoredRowReader;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Finds a version's most recent rows: files newest first by their greatest event time, keeping the
 * best {@code limit} rows seen in a heap, and stopping at the first file whose greatest event time
 * is older than every row kept. A row becomes Java values only when it enters the heap.
 */
final class RecentRows {
  /** Newer first: event time, then the later commit, then the later row of its upload. */
  private record Candidate(
      long eventTime, long commitSequence, long rowOrdinal, Map<String, Object> values) {}

  private static final Comparator<Candidate> OLDEST_FIRST =
      Comparator.comparingLong(Candidate::eventTime)
          .thenComparingLong(Candidate::commitSequence)
          .thenComparingLong(Candidate::rowOrdinal);

  private final FeatureGroup group;
  private final int limit;
  private final PriorityQueue<Candidate> kept;

  private RecentRows(FeatureGroup group, int limit) {
    this.group = group;
    this.limit = limit;
    this.kept = new PriorityQueue<>(limit + 1, OLDEST_FIRST);
  }

  static RowPreview read(
      FeatureGroup group,
      long sequence,
      List<DataFile> files,
      int limit,
      StoredRowReader reader,
      BufferAllocator allocator)
      throws IOException {
    RecentRows recent = new RecentRows(group, limit);
    List<DataFile> newestFirst = new ArrayList<>(files);
    newestFirst.sort(Comparator.comparing(DataFile::eventTimeMax).reversed());
    for (DataFile file : newestFirst) {
      if (recent.kept.size() == limit
          && recent.kept.peek().eventTime() > EpochMicros.of(file.eventTimeMax())) {
        break;
      }
      reader.forEachBatch(group, sequence, List.of(file), allocator, recent::offer);
    }
    List<Candidate> newest = new ArrayList<>(recent.kept);
    newest.sort(OLDEST_FIRST.reversed());
    return new RowPreview(group.name(), sequence, newest.stream().map(Candidate::values).toList());
  }

  private void offer(VectorSchemaRoot batch) {
    TimeStampVector eventTimes = (TimeStampVector) batch.getVector(FeatureGroup.EVENT_TIME);
    BigIntVector sequences = (BigIntVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE);
    BigIntVector ordinals = (BigIntVector) batch.getVector(StoredRowSchema.ROW_ORDINAL);
    for (int row = 0; row < batch.getRowCount(); row++) {
      long eventTime = eventTimes.get(row);
      long sequence = sequences.get(row);
      long ordinal = ordinals.get(row);
      if (kept.size() == limit) {
        Candidate oldest = kept.peek();
        int newer = Long.compare(eventTime, oldest.eventTime());
        newer = newer != 0 ? newer : Long.compare(sequence, oldest.commitSequence());
        newer = newer != 0 ? newer : Long.compare(ordinal, oldest.rowOrdinal());
        if (newer <= 0) {
          continue;
        }
      }
      kept.add(new Candidate(eventTime, sequence, ordinal, values(batch, row)));
      if (kept.size() > limit) {
        kept.poll();
      }
    }
  }

  private Map<String, Object> values(VectorSchemaRoot batch, int row) {
    Map<String, Object> values = new LinkedHashMap<>();
    String key = group.entity().name();
    Object keyValue = batch.getVector(key).getObject(row);
    values.put(key, keyValue instanceof Long ? keyValue : String.valueOf(keyValue));
    values.put(
        FeatureGroup.EVENT_TIME,
        EpochMicros.toInstant(
            ((TimeStampVector) batch.getVector(FeatureGroup.EVENT_TIME)).get(row)));
    for (FeatureDefinition feature : group.features()) {
      values.put(feature.name(), value(feature.type(), batch.getVector(feature.name()), row));
    }
    return Collections.unmodifiableMap(values);
  }

  private static Object value(FeatureType type, FieldVector column, int row) {
    if (column.isNull(row)) {
      return null;
    }
    return switch (type) {
      case TIMESTAMP -> EpochMicros.toInstant(((TimeStampVector) column).get(row));
      case STRING -> column.getObject(row).toString();
      case FLOAT32_VECTOR -> List.copyOf((List<?>) column.getObject(row));
      default -> column.getObject(row);
    };
  }
}
