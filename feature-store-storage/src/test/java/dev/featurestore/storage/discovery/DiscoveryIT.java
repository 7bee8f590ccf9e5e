package dev.featurestore.storage.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.ExpiredVersionException;
import dev.featurestore.core.discovery.Discovery;
import dev.featurestore.core.discovery.FeatureStatistics;
import dev.featurestore.core.discovery.GroupStatistics;
import dev.featurestore.core.discovery.RowPreview;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.storage.StorageTestBed;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statistics computed as commits write their files, stored with them in Postgres and merged per
 * version; previews of the most recent rows; all over real Parquet files and a real catalog.
 */
class DiscoveryIT {
  @TempDir Path folder;
  private StorageTestBed bed;
  private Discovery discovery;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    discovery =
        new Discovery(
            bed.catalog(),
            new JdbcCatalogSearch(bed.dataSource()),
            new JdbcFileStatistics(bed.dataSource()),
            bed.reader(),
            bed.allocator());
    bed.userGroup(
        "profiles",
        FeatureDefinition.scalar("clicks", FeatureType.INT64),
        FeatureDefinition.scalar("score", FeatureType.FLOAT64),
        FeatureDefinition.scalar("country", FeatureType.STRING),
        FeatureDefinition.scalar("active", FeatureType.BOOL),
        FeatureDefinition.scalar("seen", FeatureType.TIMESTAMP),
        FeatureDefinition.vector("embedding", 2));
  }

  @AfterEach
  void noLeaks() {
    bed.close();
  }

  @Test
  void statisticsOfOneCommitAreExact() throws IOException {
    commitFirst();

    GroupStatistics statistics = discovery.statistics(group(), Optional.empty());
    assertThat(statistics.rows()).isEqualTo(3);
    assertThat(statistics.rowsWithoutStatistics()).isZero();
    assertThat(line(statistics, "clicks")).isEqualTo("nulls=1 min=3 max=10 distinct=2");
    assertThat(line(statistics, "score")).isEqualTo("nulls=0 min=-1.5 max=2.25 distinct=3");
    assertThat(line(statistics, "country")).isEqualTo("nulls=1 min=DE max=FR distinct=2");
    assertThat(line(statistics, "active")).isEqualTo("nulls=2 min=true max=true distinct=1");
    assertThat(line(statistics, "seen"))
        .isEqualTo("nulls=2 min=1772323200000000 max=1772323200000000 distinct=1");
    assertThat(line(statistics, "embedding")).isEqualTo("nulls=1 min=- max=- distinct=2");
  }

  @Test
  void statisticsMergeOverCommitsAndKeepEachVersion() throws IOException {
    Commit first = commitFirst();
    bed.appendJson(
        "profiles",
        """
        {"user_id":"u4","event_time":"2026-03-05T00:00:00Z","clicks":3,"score":null,
         "country":"AT","active":false},
        {"user_id":"u5","event_time":"2026-03-06T00:00:00Z","clicks":42,"score":9.5}
        """);

    GroupStatistics latest = discovery.statistics(group(), Optional.empty());
    assertThat(latest.sequence()).isEqualTo(2);
    assertThat(latest.rows()).isEqualTo(5);
    assertThat(line(latest, "clicks")).isEqualTo("nulls=1 min=3 max=42 distinct=3");
    assertThat(line(latest, "score")).isEqualTo("nulls=1 min=-1.5 max=9.5 distinct=4");
    assertThat(line(latest, "country")).isEqualTo("nulls=2 min=AT max=FR distinct=3");
    assertThat(line(latest, "active")).isEqualTo("nulls=3 min=false max=true distinct=2");
    assertThat(line(latest, "embedding")).isEqualTo("nulls=3 min=- max=- distinct=2");

    GroupStatistics asOfFirst = discovery.statistics(group(), Optional.of(first.writeTime()));
    assertThat(asOfFirst.sequence()).isEqualTo(1);
    assertThat(line(asOfFirst, "clicks")).isEqualTo("nulls=1 min=3 max=10 distinct=2");
  }

  @Test
  void compactionKeepsTheStatisticsAndAddedFeaturesCountOldRowsAsNull() throws IOException {
    commitFirst();
    bed.appendJson(
        "profiles", "{\"user_id\":\"u4\",\"event_time\":\"2026-03-05T00:00:00Z\",\"clicks\":7}");
    GroupStatistics before = discovery.statistics(group(), Optional.empty());

    bed.compactor().compact("profiles", "tester");
    GroupStatistics compacted = discovery.statistics(group(), Optional.empty());
    assertThat(compacted.sequence()).isEqualTo(3);
    for (String feature : List.of("clicks", "score", "country", "active", "seen", "embedding")) {
      assertThat(line(compacted, feature)).isEqualTo(line(before, feature));
    }

    bed.catalog()
        .addFeatures("profiles", List.of(FeatureDefinition.scalar("age", FeatureType.INT32)));
    bed.appendJson(
        "profiles", "{\"user_id\":\"u9\",\"event_time\":\"2026-03-09T00:00:00Z\",\"age\":31}");
    assertThat(line(discovery.statistics(group(), Optional.empty()), "age"))
        .isEqualTo("nulls=4 min=31 max=31 distinct=1");
  }

  /** Least and greatest values are some row's values: they go when the rows' files expire. */
  @Test
  void expiredFilesLoseTheirStatisticsAndTheirVersionsAreRefused() throws IOException {
    Commit first = commitFirst();
    bed.appendJson(
        "profiles", "{\"user_id\":\"u4\",\"event_time\":\"2026-03-05T00:00:00Z\",\"clicks\":7}");
    List<UUID> replaced =
        bed.catalog().dataFiles("profiles", 2).stream().map(DataFile::id).toList();
    JdbcFileStatistics stored = new JdbcFileStatistics(bed.dataSource());
    assertThat(stored.statisticsOf(replaced)).hasSize(2);

    bed.compactor().compact("profiles", "tester");
    replaced.forEach(file -> assertThat(bed.catalog().expire(file)).isTrue());

    assertThat(stored.statisticsOf(replaced)).isEmpty();
    assertThatThrownBy(() -> discovery.statistics(group(), Optional.of(first.writeTime())))
        .isInstanceOf(ExpiredVersionException.class);
    assertThat(line(discovery.statistics(group(), Optional.empty()), "clicks"))
        .isEqualTo("nulls=1 min=3 max=10 distinct=3");
  }

  @Test
  void previewShowsTheMostRecentRowsNewestFirst() throws IOException {
    commitFirst();
    bed.appendJson(
        "profiles",
        """
        {"user_id":"u1","event_time":"2026-03-04T00:00:00Z","clicks":11},
        {"user_id":"u7","event_time":"2026-02-01T00:00:00Z","clicks":1}
        """);

    RowPreview preview = discovery.preview(group(), 2);
    assertThat(preview.sequence()).isEqualTo(2);
    assertThat(preview.rows())
        .extracting(
            row -> row.get("user_id") + " " + row.get("event_time") + " " + row.get("clicks"))
        .containsExactly("u1 2026-03-04T00:00:00Z 11", "u3 2026-03-03T00:00:00Z 10");
    Map<String, Object> newest = preview.rows().getFirst();
    assertThat(newest).containsKeys("score", "country", "active", "seen", "embedding");
    assertThat(newest.get("score")).isNull();
  }

  private Commit commitFirst() throws IOException {
    return bed.appendJson(
        "profiles",
        """
        {"user_id":"u1","event_time":"2026-03-01T00:00:00Z","clicks":3,"score":2.25,
         "country":"FR","active":true,"seen":"2026-03-01T00:00:00Z","embedding":[1,2]},
        {"user_id":"u2","event_time":"2026-03-02T00:00:00Z","clicks":null,"score":-1.5,
         "country":"DE","embedding":[3,4]},
        {"user_id":"u3","event_time":"2026-03-03T00:00:00Z","clicks":10,"score":0.0}
        """);
  }

  private FeatureGroup group() {
    return bed.catalog().featureGroup("profiles").orElseThrow();
  }

  /** One feature's statistics on a line, so that a failure shows them all. */
  private static String line(GroupStatistics statistics, String feature) {
    FeatureStatistics values =
        statistics.features().stream()
            .filter(candidate -> candidate.definition().name().equals(feature))
            .findFirst()
            .orElseThrow()
            .statistics();
    return "nulls="
        + values.nullCount()
        + " min="
        + values.min().orElse("-")
        + " max="
        + values.max().orElse("-")
        + " distinct="
        + values.distinctEstimate();
  }
}
