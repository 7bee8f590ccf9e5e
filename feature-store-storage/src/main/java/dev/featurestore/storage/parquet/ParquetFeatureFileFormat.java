package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ingest.FeatureFileFormat;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.schema.MessageType;

/** Feature files as Parquet, written by {@link FeatureFileWriter}. */
public final class ParquetFeatureFileFormat implements FeatureFileFormat {
  private final ParquetCompression compression;
  private final Executor encodeHelpers;

  /**
   * Encodes half of each file's columns on a thread of {@code encodeHelpers} when one is free (the
   * server's file-writing threads: a commit stores a batch there while the next one decodes).
   */
  public ParquetFeatureFileFormat(ParquetCompression compression, Executor encodeHelpers) {
    this.compression = requireNonNull(compression, "compression is null");
    this.encodeHelpers = requireNonNull(encodeHelpers, "encodeHelpers is null");
  }

  @Override
  public DataFileStats write(FeatureGroup group, VectorSchemaRoot sortedRows, Path file)
      throws IOException {
    try (FeatureFileWriter writer =
        FeatureFileWriter.create(group, file, compression, encodeHelpers)) {
      writer.write(sortedRows);
      return writer.finish();
    }
  }

  /** The Parquet schema of the group's feature files at its current schema version. */
  public static MessageType parquetSchema(FeatureGroup group) {
    return StoredRowParquetSchema.of(group.name(), StoredRowSchema.of(group));
  }
}
