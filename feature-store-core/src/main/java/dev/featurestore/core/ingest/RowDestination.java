package dev.featurestore.core.ingest;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.FeatureGroup;
import java.time.Instant;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Where a {@link RowFormat} puts an upload's rows, and the rules they are checked by.
 *
 * @param now the server's clock at the start of the upload
 * @param allowedFutureSkewMicros how far past {@code now} an event time may lie
 * @param first the batch to fill first
 * @param rowsPerBatch when a batch holds this many rows it is handed off
 * @param budget the upload's limits: rows, and the size of each value
 * @param allocator the request's Arrow memory, for whatever the format decodes into
 */
public record RowDestination(
    FeatureGroup group,
    Instant now,
    long allowedFutureSkewMicros,
    StoredRowBatch first,
    int rowsPerBatch,
    UploadBudget budget,
    BatchHandoff handoff,
    BufferAllocator allocator) {
  public RowDestination {
    requireNonNull(group, "group is null");
    requireNonNull(now, "now is null");
    requireNonNull(first, "first is null");
    requireNonNull(budget, "budget is null");
    requireNonNull(handoff, "handoff is null");
    requireNonNull(allocator, "allocator is null");
    if (rowsPerBatch < 1) {
      throw new IllegalArgumentException("rowsPerBatch must be positive");
    }
  }

  /** Receives each full batch and gives back an empty one to fill next. */
  public interface BatchHandoff {
    StoredRowBatch handOff(StoredRowBatch full);
  }
}
