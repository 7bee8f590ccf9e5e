package dev.featurestore.storage.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.discovery.SearchCursor;
import dev.featurestore.core.discovery.SearchHit;
import dev.featurestore.core.discovery.SearchQuery;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcCatalog;
import dev.featurestore.testing.TestingPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Search over what the catalog's triggers index, against real Postgres full-text search. */
class JdbcCatalogSearchIT {
  private JdbcCatalog catalog;
  private JdbcCatalogSearch search;
  private Entity user;

  @BeforeEach
  void freshCatalog() {
    DataSource dataSource = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(dataSource, TestKeyDigests.DIGESTS);
    catalog = new JdbcCatalog(dataSource);
    search = new JdbcCatalogSearch(dataSource);
    user =
        catalog.createEntity(
            new Entity("user_id", KeyType.STRING, "a customer of the shop", "", List.of()));
  }

  @Test
  void nameMatchRanksAboveDescriptionMatch() {
    group("payments", "card transactions of a user", "", List.of(), feature("amount", ""));
    group("refunds", "money returned after payments", "", List.of(), feature("total", ""));

    assertThat(hits("payments")).extracting(SearchHit::name).containsExactly("payments", "refunds");
    List<SearchHit> hits = hits("payments");
    assertThat(hits.get(0).rank()).isGreaterThan(hits.get(1).rank());
  }

  @Test
  void findsFeaturesByDescriptionWithTheirGroup() {
    group(
        "user_activity",
        "",
        "growth team",
        List.of("clicks"),
        feature("clicks_7d", "clicks in the last seven days"));

    SearchHit hit = only(hits("seven days"));
    assertThat(hit.kind()).isEqualTo(SearchHit.Kind.FEATURE);
    assertThat(hit.name()).isEqualTo("clicks_7d");
    assertThat(hit.group()).contains("user_activity");
    assertThat(hit.description()).isEqualTo("clicks in the last seven days");
    assertThat(hit.owner()).isEqualTo("growth team");
    assertThat(hit.tags()).containsExactly("clicks");
  }

  @Test
  void findsGroupsAndEntitiesByTagAndOwner() {
    catalog.describeEntity(
        new Entity("user_id", KeyType.STRING, "a customer", "identity team", List.of("pii")));
    group("orders", "", "checkout team", List.of("pii", "team:checkout"));
    group("weather", "", "data platform", List.of("public"));

    assertThat(hits("pii"))
        .extracting(SearchHit::kind, SearchHit::name)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(SearchHit.Kind.ENTITY, "user_id"),
            org.assertj.core.groups.Tuple.tuple(SearchHit.Kind.FEATURE_GROUP, "orders"));
    assertThat(hits("team:checkout")).extracting(SearchHit::name).containsExactly("orders");
    assertThat(hits("checkout team")).extracting(SearchHit::name).containsExactly("orders");
    assertThat(hits("identity")).extracting(SearchHit::name).containsExactly("user_id");
  }

  @Test
  void documentationChangesAndAddedFeaturesAreFoundAtOnce() {
    FeatureGroup orders = group("orders", "", "", List.of(), feature("amount", ""));
    assertThat(hits("basket")).isEmpty();

    catalog.describeFeatureGroup(
        orders.describedAs("", "", List.of(), Map.of("amount", "basket value in euros")));
    catalog.addFeatures("orders", List.of(new FeatureDefinition("coupon", FeatureType.STRING, 0)));

    assertThat(hits("basket")).extracting(SearchHit::name).containsExactly("amount");
    assertThat(hits("coupon")).extracting(SearchHit::group).containsExactly(Optional.of("orders"));
  }

  @Test
  void namePrefixFindsTheName() {
    group("user_activity", "", "", List.of());

    assertThat(hits("user_act")).extracting(SearchHit::name).containsExactly("user_activity");
    assertThat(hits("USER_ACTIV")).extracting(SearchHit::name).containsExactly("user_activity");
  }

  @Test
  void pagesFollowEachOtherWithoutGapsOrRepeats() {
    // Equal ranks: the pages must still split the ties by kind, group and name.
    for (int i = 0; i < 7; i++) {
      group("sales_" + i, "daily revenue", "", List.of(), feature("revenue_" + i, "revenue"));
    }
    List<SearchHit> all = search.search(new SearchQuery("revenue"), Optional.empty(), 100);
    assertThat(all).hasSize(14);

    List<SearchHit> paged = new ArrayList<>();
    Optional<SearchCursor> after = Optional.empty();
    while (true) {
      List<SearchHit> page = search.search(new SearchQuery("revenue"), after, 3);
      paged.addAll(page);
      if (page.size() < 3) {
        break;
      }
      after = Optional.of(SearchCursor.parse(page.getLast().cursor().text()));
    }
    assertThat(paged).containsExactlyElementsOf(all);
  }

  private List<SearchHit> hits(String text) {
    return search.search(new SearchQuery(text), Optional.empty(), 100);
  }

  private static SearchHit only(List<SearchHit> hits) {
    assertThat(hits).hasSize(1);
    return hits.getFirst();
  }

  private static FeatureDefinition feature(String name, String description) {
    return new FeatureDefinition(name, FeatureType.INT64, 0, description);
  }

  private FeatureGroup group(
      String name,
      String description,
      String owner,
      List<String> tags,
      FeatureDefinition... features) {
    return catalog.createFeatureGroup(
        new FeatureGroup(
            name, user, List.of(features), Duration.ZERO, false, description, 1, owner, tags));
  }
}
