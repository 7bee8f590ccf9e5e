package dev.featurestore.core.join;

import java.io.IOException;
import java.util.function.Consumer;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A feature group's stored rows as Arrow batches in {@code StoredRowSchema}, in any order, for
 * example one file after another. Each call reads the rows afresh.
 *
 * <p>A batch handed to the consumer is valid during the call only. The consumer may take ownership
 * of the batch's vectors by transferring them ({@code TransferPair.transfer()}); the source must
 * then allocate fresh buffers for its next batch, as Arrow's readers do, and may close the emptied
 * batch as usual.
 */
@FunctionalInterface
public interface StoredRowSource {
  void forEachBatch(Consumer<VectorSchemaRoot> batchConsumer) throws IOException;
}
