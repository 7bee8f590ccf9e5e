package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Per-feature statistics of one version of a group: the merge of the statistics of the files that
 * version reads, which together hold exactly its rows.
 *
 * @param rows the rows of the version
 * @param rowsWithoutStatistics rows of files written before statistics were (the features'
 *     statistics describe the other rows)
 * @param features the group's current features, each with its statistics; a file written before a
 *     feature was added counts its rows as that feature's nulls
 */
public record GroupStatistics(
    String group, long sequence, long rows, long rowsWithoutStatistics, List<Feature> features) {
  public record Feature(FeatureDefinition definition, FeatureStatistics statistics) {
    public Feature {
      requireNonNull(definition, "definition is null");
      requireNonNull(statistics, "statistics is null");
    }
  }

  public GroupStatistics {
    requireNonNull(group, "group is null");
    features = List.copyOf(features);
  }

  /** Merges the statistics of {@code files} (a version's), looked up in {@code byFile}. */
  public static GroupStatistics merge(
      FeatureGroup group, long sequence, List<DataFile> files, Map<UUID, FileStatistics> byFile) {
    long rows = 0;
    long rowsWithoutStatistics = 0;
    List<FeatureStatistics> merged = new ArrayList<>();
    for (int i = 0; i < group.features().size(); i++) {
      merged.add(FeatureStatistics.allNull(0));
    }
    for (DataFile file : files) {
      rows += file.rowCount();
      FileStatistics statistics = byFile.getOrDefault(file.id(), FileStatistics.NONE);
      if (statistics.isEmpty()) {
        rowsWithoutStatistics += file.rowCount();
        continue;
      }
      for (int i = 0; i < group.features().size(); i++) {
        FeatureDefinition feature = group.features().get(i);
        FeatureStatistics ofFile =
            statistics
                .features()
                .getOrDefault(feature.name(), FeatureStatistics.allNull(file.rowCount()));
        merged.set(i, merged.get(i).merge(feature.type(), ofFile));
      }
    }
    List<Feature> features = new ArrayList<>();
    for (int i = 0; i < group.features().size(); i++) {
      features.add(new Feature(group.features().get(i), merged.get(i)));
    }
    return new GroupStatistics(group.name(), sequence, rows, rowsWithoutStatistics, features);
  }
}
