package dev.featurestore.core.training;

import dev.featurestore.core.model.Entity;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads an uploaded spine's stored file (CSV, Parquet, Arrow) into Arrow. */
public interface SpineUploadReader {
  /**
   * The upload's rows as a spine: one key column per entity (of its key type), {@link
   * SpineSource#SPINE_TIME} and the columns that pass through. The caller closes it.
   */
  VectorSchemaRoot load(Upload upload, List<Entity> entities, BufferAllocator allocator)
      throws IOException;
}
