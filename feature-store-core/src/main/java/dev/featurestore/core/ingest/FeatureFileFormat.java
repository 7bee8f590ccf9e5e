package dev.featurestore.core.ingest;

import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.vector.VectorSchemaRoot;

/** How feature files are written (Parquet, in storage): the bytes the object store then holds. */
public interface FeatureFileFormat {
  /**
   * Writes {@code sortedRows}, in the group's stored-row schema and sorted by (key, event time), as
   * one feature file at {@code file}, and returns what the catalog records about it.
   */
  DataFileStats write(FeatureGroup group, VectorSchemaRoot sortedRows, Path file)
      throws IOException;
}
