package dev.featurestore.core.discovery;

import dev.featurestore.core.ingest.ParallelPair;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The statistics of each feature over one data file's rows, computed from the rows as the file is
 * written. Empty for files written before statistics were (they count as rows without statistics
 * until a compaction rewrites them).
 *
 * @param features by feature name, the features of the schema version the file was written at
 */
public record FileStatistics(Map<String, FeatureStatistics> features) {
  public static final FileStatistics NONE = new FileStatistics(Map.of());

  public FileStatistics {
    features = Map.copyOf(features);
  }

  /**
   * One pass over each feature column of {@code rows} (stored-row schema of {@code group}), half of
   * the columns on a thread of {@code helpers} when one is free ({@link ParallelPair}).
   */
  public static FileStatistics of(FeatureGroup group, VectorSchemaRoot rows, Executor helpers) {
    List<FeatureDefinition> definitions = group.features();
    FeatureStatistics[] statistics = new FeatureStatistics[definitions.size()];
    ParallelPair.run(
        helpers,
        () -> everyOther(definitions, rows, statistics, 1),
        () -> everyOther(definitions, rows, statistics, 0));
    Map<String, FeatureStatistics> features = new LinkedHashMap<>();
    for (int index = 0; index < statistics.length; index++) {
      features.put(definitions.get(index).name(), statistics[index]);
    }
    return new FileStatistics(features);
  }

  private static void everyOther(
      List<FeatureDefinition> definitions,
      VectorSchemaRoot rows,
      FeatureStatistics[] statistics,
      int first) {
    for (int index = first; index < statistics.length; index += 2) {
      FeatureDefinition feature = definitions.get(index);
      statistics[index] = ColumnStatistics.of(feature.type(), rows.getVector(feature.name()));
    }
  }

  public boolean isEmpty() {
    return features.isEmpty();
  }
}
