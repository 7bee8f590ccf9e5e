package dev.featurestore.storage.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetDownloads;
import dev.featurestore.storage.read.ObjectCache;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Downloads converted from a local copy of the Parquet output ({@link ObjectCache}) by {@link
 * TrainingSetExport}, row group by row group; an Arrow download allocates from its own child of
 * {@code allocator}.
 */
public final class ParquetTrainingSetDownloads implements TrainingSetDownloads {
  private final ObjectCache cache;
  private final BufferAllocator allocator;

  public ParquetTrainingSetDownloads(ObjectCache cache, BufferAllocator allocator) {
    this.cache = requireNonNull(cache, "cache is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  @Override
  public Download prepare(TrainingSet trainingSet, Format format) throws IOException {
    Path local =
        cache.localCopy(
            trainingSet.outputObjectKey().orElseThrow(), trainingSet.outputHash().orElseThrow());
    return switch (format) {
      case ARROW_STREAM ->
          out -> {
            try (BufferAllocator download =
                allocator.newChildAllocator("download-" + trainingSet.id(), 0, Long.MAX_VALUE)) {
              TrainingSetExport.writeArrowStream(local, download, out);
            }
          };
      case CSV -> out -> TrainingSetExport.write(local, TrainingSetExport.Format.CSV, out);
      case JSON -> out -> TrainingSetExport.write(local, TrainingSetExport.Format.JSON, out);
    };
  }
}
