package dev.featurestore.core.discovery;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Where the statistics of data files are kept (the catalog stores them with each file, in the
 * transaction that makes the file visible).
 */
public interface FileStatisticsStore {
  /** The statistics of those of {@code fileIds} that have them. */
  Map<UUID, FileStatistics> statisticsOf(Collection<UUID> fileIds);
}
