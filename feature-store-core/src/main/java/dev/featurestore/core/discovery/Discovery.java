package dev.featurestore.core.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.ExpiredVersionException;
import dev.featurestore.core.ingest.StoredRowReader;
import dev.featurestore.core.model.FeatureGroup;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Finding and getting to know features: search over the catalog, per-feature statistics of a
 * group's version, and a preview of its most recent rows. Who may call which is the API's decision;
 * this class reads.
 */
public final class Discovery {
  private final Catalog catalog;
  private final CatalogSearch search;
  private final FileStatisticsStore statistics;
  private final StoredRowReader rows;
  private final BufferAllocator allocator;

  /**
   * @param allocator where previews read their batches (a child of the server's root allocator)
   */
  public Discovery(
      Catalog catalog,
      CatalogSearch search,
      FileStatisticsStore statistics,
      StoredRowReader rows,
      BufferAllocator allocator) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.search = requireNonNull(search, "search is null");
    this.statistics = requireNonNull(statistics, "statistics is null");
    this.rows = requireNonNull(rows, "rows is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  /** At most {@code limit} hits, best first, after {@code after} when given. */
  public List<SearchHit> search(SearchQuery query, Optional<SearchCursor> after, int limit) {
    return search.search(query, after, limit);
  }

  /**
   * The group's statistics as of its latest version, or of the version current at {@code asOf} (a
   * write time); a version whose files have expired answers {@link ExpiredVersionException}, so
   * nothing of rows that are gone survives in statistics either.
   */
  public GroupStatistics statistics(FeatureGroup group, Optional<Instant> asOf) {
    long sequence =
        asOf.map(writeTime -> catalog.sequenceAt(group.name(), writeTime))
            .orElseGet(() -> catalog.latestSequence(group.name()));
    long oldestReadable = catalog.oldestReadableSequence(group.name());
    if (sequence < oldestReadable) {
      throw new ExpiredVersionException(group.name(), sequence, oldestReadable);
    }
    List<DataFile> files = catalog.dataFiles(group.name(), sequence);
    return GroupStatistics.merge(
        group, sequence, files, statistics.statisticsOf(files.stream().map(DataFile::id).toList()));
  }

  /** The group's {@code limit} most recent rows by event time, as of its latest version. */
  public RowPreview preview(FeatureGroup group, int limit) throws IOException {
    if (limit < 1 || limit > RowPreview.MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be between 1 and " + RowPreview.MAX_LIMIT);
    }
    long sequence = catalog.latestSequence(group.name());
    return RecentRows.read(
        group, sequence, catalog.dataFiles(group.name(), sequence), limit, rows, allocator);
  }
}
