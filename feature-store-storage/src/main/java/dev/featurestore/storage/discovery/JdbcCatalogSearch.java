package dev.featurestore.storage.discovery;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.discovery.CatalogSearch;
import dev.featurestore.core.discovery.SearchCursor;
import dev.featurestore.core.discovery.SearchHit;
import dev.featurestore.core.discovery.SearchQuery;
import dev.featurestore.storage.catalog.Transactions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Catalog search in Postgres: {@code websearch_to_tsquery} over the documents the catalog's
 * triggers keep in {@code search_documents} (migration V14), ranked by {@code ts_rank}, with a
 * prefix match on whole names, paged by keyset (rank, kind, group, name) in the C collation so that
 * SQL and the cursor agree on the order.
 */
public final class JdbcCatalogSearch implements CatalogSearch {
  private static final String WORDS = "websearch_to_tsquery('english', ?)";

  /** A name's start as a tsquery: the whole name is a weight-A lexeme of its document. */
  private static final String NAME_PREFIX = "(? || ':*A')::tsquery";

  private final Transactions transactions;

  public JdbcCatalogSearch(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
  }

  @Override
  public List<SearchHit> search(SearchQuery query, Optional<SearchCursor> after, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    List<Object> parameters = new ArrayList<>();
    parameters.add(query.text());
    String tsquery = WORDS;
    if (query.namePrefix().isPresent()) {
      // Quoted as a tsquery literal; a name prefix holds only [a-z0-9_].
      tsquery = WORDS + " || " + NAME_PREFIX;
      parameters.add("'" + query.namePrefix().get() + "'");
    }
    String afterCursor = "";
    if (after.isPresent()) {
      SearchCursor cursor = after.get();
      afterCursor =
          " WHERE rank < ? OR (rank = ? AND (kind COLLATE \"C\", group_name COLLATE \"C\","
              + " name COLLATE \"C\") > (?, ?, ?))";
      parameters.addAll(
          List.of(
              cursor.rank(), cursor.rank(), cursor.kind().name(), cursor.group(), cursor.name()));
    }
    parameters.add(limit);
    return transactions.list(
        "SELECT kind, name, group_name, description, owner, tags, rank FROM ("
            + "SELECT d.*, ts_rank(d.document, q.query) AS rank FROM search_documents d,"
            + " (SELECT "
            + tsquery
            + " AS query) q WHERE d.document @@ q.query) hits"
            + afterCursor
            + " ORDER BY rank DESC, kind COLLATE \"C\", group_name COLLATE \"C\","
            + " name COLLATE \"C\" LIMIT ?",
        rows ->
            new SearchHit(
                SearchHit.Kind.valueOf(rows.getString(1)),
                rows.getString(2),
                Optional.of(rows.getString(3)).filter(group -> !group.isEmpty()),
                rows.getString(4),
                rows.getString(5),
                List.of((String[]) rows.getArray(6).getArray()),
                rows.getFloat(7)),
        parameters.toArray());
  }
}
