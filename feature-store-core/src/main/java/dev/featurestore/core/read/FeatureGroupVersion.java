package dev.featurestore.core.read;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The files of one version of a feature group, and its rows as Arrow batches in {@link
 * dev.featurestore.core.model.StoredRowSchema} (with every row's commit sequence and write time):
 * reading them never consults the catalog again. A batch is valid during the call only.
 */
public interface FeatureGroupVersion {
  FeatureGroup group();

  long sequence();

  List<DataFile> files();

  default long rowCount() {
    long rows = 0;
    for (DataFile file : files()) {
      rows += file.rowCount();
    }
    return rows;
  }

  /**
   * The rows with only {@code features} (in that order) after the fixed columns, batches in no
   * particular order (files may be read in parallel): the join's input.
   */
  StoredRowSource rowsInAnyOrder(List<String> features);

  /** Every row with every feature, file after file in stored order (key, then event time). */
  void forEachBatchInStoredOrder(Consumer<VectorSchemaRoot> consumer) throws IOException;

  /**
   * At least the rows whose key lies in {@code keys}, without features: files and row groups that
   * cannot hold such a key are skipped, others come whole, so the caller filters.
   */
  void forEachBatchMayHold(KeyRange keys, Consumer<VectorSchemaRoot> consumer) throws IOException;
}
