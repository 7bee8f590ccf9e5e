package dev.featurestore.core.discovery;

import java.util.List;
import java.util.Optional;

/** Full-text search over the catalog's entities, feature groups and features. */
public interface CatalogSearch {
  /**
   * At most {@code limit} hits for {@code query}, best first (see {@link SearchCursor} for the
   * order), after {@code after} when given.
   */
  List<SearchHit> search(SearchQuery query, Optional<SearchCursor> after, int limit);
}
