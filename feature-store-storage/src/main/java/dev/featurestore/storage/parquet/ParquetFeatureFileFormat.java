package dev.featurestore.storage.parquet;

import dev.featurestore.core.ingest.FeatureFileFormat;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Feature files as Parquet, written by {@link FeatureFileWriter}. */
public final class ParquetFeatureFileFormat implements FeatureFileFormat {
  @Override
  public DataFileStats write(FeatureGroup group, VectorSchemaRoot sortedRows, Path file)
      throws IOException {
    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file)) {
      writer.write(sortedRows);
      return writer.finish();
    }
  }
}
