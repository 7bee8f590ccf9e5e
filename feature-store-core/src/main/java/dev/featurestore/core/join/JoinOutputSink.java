package dev.featurestore.core.join;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Receives the join's output: the schema once, then batches in spine order. A batch is valid during
 * the call only; a sink that keeps rows copies or transfers them.
 */
public interface JoinOutputSink {
  void begin(Schema schema) throws IOException;

  void accept(VectorSchemaRoot batch) throws IOException;
}
