package dev.featurestore.api.discovery;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.core.discovery.Discovery;
import dev.featurestore.core.discovery.SearchCursor;
import dev.featurestore.core.discovery.SearchHit;
import dev.featurestore.core.discovery.SearchQuery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = Tags.DISCOVERY)
@RestController
class SearchController {
  private final Discovery discovery;

  SearchController(Discovery discovery) {
    this.discovery = discovery;
  }

  /**
   * One hit as the API shows it.
   *
   * @param group the feature's group; null for entities and groups
   */
  record SearchHitView(
      SearchHit.Kind kind,
      String name,
      String group,
      String description,
      String owner,
      List<String> tags,
      float rank) {
    static SearchHitView of(SearchHit hit) {
      return new SearchHitView(
          hit.kind(),
          hit.name(),
          hit.group().orElse(null),
          hit.description(),
          hit.owner(),
          hit.tags(),
          hit.rank());
    }
  }

  @Operation(
      operationId = "search",
      summary = "Search entities, feature groups and features",
      description =
          "Full-text search over names, descriptions, owners and tags (web-search syntax:"
              + " \"a phrase\", or, -word), best match first: a name match ranks above an owner"
              + " or tag match, which ranks above a description match; a single word also finds"
              + " the names it starts. A page at a time (limit, pageToken; Link rel=\"next\").")
  @GetMapping("/api/v1/search")
  ResponseEntity<List<SearchHitView>> search(
      @RequestParam Optional<String> q,
      @RequestParam Optional<Integer> limit,
      @RequestParam Optional<String> pageToken) {
    SearchQuery query = new SearchQuery(q.orElse(null));
    PageRequest page = PageRequest.of(limit, pageToken);
    List<SearchHit> fetched =
        discovery.search(query, page.after().map(SearchCursor::parse), page.fetchSize());
    return page.answerFetched(fetched, hit -> hit.cursor().text(), SearchHitView::of);
  }
}
