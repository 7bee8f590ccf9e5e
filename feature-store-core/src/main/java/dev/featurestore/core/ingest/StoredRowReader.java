package dev.featurestore.core.ingest;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads stored feature files back (Parquet through the local cache, in storage). */
public interface StoredRowReader {
  /**
   * Every row of {@code files}, which a reader bound to {@code sequence} sees, with every feature,
   * batch by batch in file order, allocated from {@code allocator}. Each row carries its real
   * commit sequence and write time. A batch is valid during its call only.
   */
  void forEachBatch(
      FeatureGroup group,
      long sequence,
      List<DataFile> files,
      BufferAllocator allocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException;
}
