package dev.featurestore.core.join;

import java.io.IOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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

  /**
   * As {@link #forEachBatch}, with {@code prepare} applied to each batch and its result handed to
   * the consumer with it. A source that reads on several threads runs {@code prepare} on them, in
   * parallel with the consumer and each other: it may only read the batch and state nobody changes
   * meanwhile. This one runs it on the caller's thread.
   */
  default <P> void forEachPreparedBatch(
      Function<VectorSchemaRoot, P> prepare, BiConsumer<VectorSchemaRoot, P> consumer)
      throws IOException {
    forEachBatch(batch -> consumer.accept(batch, prepare.apply(batch)));
  }
}
