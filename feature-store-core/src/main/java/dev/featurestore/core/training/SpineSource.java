package dev.featurestore.core.training;

import dev.featurestore.core.model.Entity;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a training set's spine comes from. The loaded spine has one key column per entity (named
 * after it), the spine time column {@link #SPINE_TIME} and any columns that pass through.
 */
public interface SpineSource {
  String SPINE_TIME = "event_time";

  /** Loads the spine; the caller closes it. {@code entities} are the key columns it must hold. */
  VectorSchemaRoot load(BufferAllocator allocator, List<Entity> entities) throws IOException;
}
