package dev.featurestore.storage.parquet;

import dev.featurestore.core.ingest.FeatureFileFormat;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.schema.MessageType;

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

  /** The Parquet schema of the group's feature files at its current schema version. */
  public static MessageType parquetSchema(FeatureGroup group) {
    return StoredRowParquetSchema.of(group.name(), StoredRowSchema.of(group));
  }
}
