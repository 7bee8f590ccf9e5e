package dev.featurestore.core.discovery;

import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import java.util.LinkedHashMap;
import java.util.Map;
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

  /** One pass over each feature column of {@code rows} (stored-row schema of {@code group}). */
  public static FileStatistics of(FeatureGroup group, VectorSchemaRoot rows) {
    Map<String, FeatureStatistics> features = new LinkedHashMap<>();
    for (FeatureDefinition feature : group.features()) {
      features.put(
          feature.name(), ColumnStatistics.of(feature.type(), rows.getVector(feature.name())));
    }
    return new FileStatistics(features);
  }

  public boolean isEmpty() {
    return features.isEmpty();
  }
}
