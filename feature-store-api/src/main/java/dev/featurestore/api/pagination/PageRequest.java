package dev.featurestore.api.pagination;

import dev.featurestore.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponents;

/**
 * One page of a list: at most {@code limit} items whose cursor comes after the page token's. A
 * cursor is a string that orders the list (a name, or a creation time and id), so a page does not
 * shift when items are added before it, unlike an offset. The answer's body stays the JSON array of
 * items; a {@code Link: <...>; rel="next"} header carries the next page's URL (RFC 8288), as on the
 * commit list.
 *
 * @param limit how many items at most, 1 to {@link #MAX_LIMIT}
 * @param after the last cursor of the previous page, empty on the first page
 */
public record PageRequest(int limit, Optional<String> after) {
  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 1_000;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIMIT);
    }
  }

  /** From the query parameters {@code limit} and {@code pageToken}, either may be absent. */
  public static PageRequest of(Optional<Integer> limit, Optional<String> pageToken) {
    return new PageRequest(
        limit.orElse(DEFAULT_LIMIT),
        pageToken.filter(token -> !token.isEmpty()).map(PageRequest::decode));
  }

  /**
   * The page of {@code items} (any order) in {@code order} of their cursors, shown as {@code view}
   * shows each.
   */
  public <T, V> ResponseEntity<List<V>> answer(
      List<T> items, Function<T, String> cursor, Comparator<String> order, Function<T, V> view) {
    List<T> following =
        items.stream()
            .filter(item -> after.isEmpty() || order.compare(cursor.apply(item), after.get()) > 0)
            .sorted(Comparator.comparing(cursor, order))
            .limit(fetchSize())
            .toList();
    return answerFetched(following, cursor, view);
  }

  /**
   * How many items a store asked for one page should return: one more than the page holds, so the
   * answer knows whether a next page exists.
   */
  public int fetchSize() {
    return limit + 1;
  }

  /**
   * The page of {@code fetched}: the items that follow the page token's cursor, in list order, as
   * many as {@link #fetchSize()} at most.
   */
  public <T, V> ResponseEntity<List<V>> answerFetched(
      List<T> fetched, Function<T, String> cursor, Function<T, V> view) {
    List<T> page = fetched.subList(0, Math.min(limit, fetched.size()));
    ResponseEntity.BodyBuilder response = ResponseEntity.ok();
    if (fetched.size() > page.size()) {
      response.header(
          HttpHeaders.LINK, "<" + next(cursor.apply(page.getLast())) + ">; rel=\"next\"");
    }
    return response.body(page.stream().map(view).toList());
  }

  /** The current request's path and query, with the next page's token. */
  private String next(String lastCursor) {
    UriComponents next =
        ServletUriComponentsBuilder.fromCurrentRequest()
            .replaceQueryParam("pageToken", encode(lastCursor))
            .replaceQueryParam("limit", limit)
            .build();
    return next.getPath() + "?" + next.getQuery();
  }

  private static String encode(String cursor) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String token) {
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "pageToken", "is not a page token: pass the one from the previous page's Link header");
    }
  }
}
