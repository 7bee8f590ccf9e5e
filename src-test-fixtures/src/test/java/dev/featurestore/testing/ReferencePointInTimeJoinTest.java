package dev.featurestore.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ReferencePointInTimeJoinTest {
  @Test
  void picksGreatestEventTimeThenLaterCommitThenLaterRow() {
    ReferenceFeatureGroup group =
        group(
            0,
            5,
            row(1L, 10, 1, 0, "old"),
            row(1L, 20, 1, 0, "first"),
            row(1L, 20, 2, 0, "corrected"),
            row(1L, 20, 2, 1, "corrected again"),
            row(1L, 30, 1, 0, "future"));

    assertThat(valueFor(spineRow(1L, 25), group)).contains("corrected again");
  }

  @Test
  void appliesInclusiveBoundsAndAsOf() {
    ReferenceFeatureGroup withTtl = group(5, 1, row(1L, 10, 1, 0, "a"), row(1L, 12, 2, 0, "b"));

    assertThat(valueFor(spineRow(1L, 10), withTtl)).contains("a");
    assertThat(valueFor(spineRow(1L, 15), withTtl)).contains("a");
    assertThat(valueFor(spineRow(1L, 16), withTtl)).isEmpty();
    assertThat(valueFor(spineRow(1L, 9), withTtl)).isEmpty();
    assertThat(valueFor(spineRow(2L, 10), withTtl)).isEmpty();
  }

  @Test
  void keepsNullValuesOfWinners() {
    ReferenceFeatureGroup group = group(0, 1, row(1L, 10, 1, 0, "a"), row(1L, 11, 1, 1, null));

    Optional<ReferenceFeatureRow> winner = ReferencePointInTimeJoin.winner(spineRow(1L, 12), group);

    assertThat(winner).isPresent();
    assertThat(winner.get().values()).containsExactly((Object) null);
  }

  @Test
  void answersEverySpineRowInOrder() {
    ReferenceFeatureGroup group = group(0, 1, row(1L, 10, 1, 0, "a"));
    List<ReferenceSpineRow> spine = List.of(spineRow(1L, 10), spineRow(1L, 1), spineRow(1L, 10));

    List<ReferenceJoinedRow> joined = ReferencePointInTimeJoin.join(spine, List.of(group));

    assertThat(joined).extracting(ReferenceJoinedRow::spineRow).isEqualTo(spine);
    assertThat(joined)
        .extracting(row -> row.winners().get(0).isPresent())
        .containsExactly(true, false, true);
  }

  @Property(tries = 200)
  void generatedRowsKeepToTheirShape(@ForAll("rowsOfShape") List<ReferenceFeatureRow> rows) {
    List<Object> keys = IntStream.range(0, 5).mapToObj(GeneratedKeyType.STRING::key).toList();
    long previousCommit = 0;
    long nextOrdinal = 0;
    for (ReferenceFeatureRow row : rows) {
      assertThat(row.key()).isIn(keys);
      assertThat(row.eventTimeMicros()).isBetween(0L, 19L);
      assertThat(row.commitSequence()).isBetween(Math.max(1, previousCommit), 3L);
      if (row.commitSequence() != previousCommit) {
        nextOrdinal = 0;
      }
      assertThat(row.rowOrdinal()).isEqualTo(nextOrdinal++).isLessThan(10);
      assertThat(row.values()).hasSize(GeneratedValueType.values().length);
      previousCommit = row.commitSequence();
    }
  }

  @Property(tries = 200)
  void generatedSpinesKeepToTheirKeysAndTimes(@ForAll("spines") List<ReferenceSpineRow> spine) {
    assertThat(spine).hasSizeLessThanOrEqualTo(50);
    for (ReferenceSpineRow row : spine) {
      assertThat(row.spineTimeMicros()).isBetween(-5L, 24L);
      assertThat(row.key("user_id"))
          .isIn(IntStream.range(0, 7).mapToObj(GeneratedKeyType.INT64::key).toList());
      assertThat(row.key("product_id"))
          .isIn(GeneratedKeyType.STRING.key(0), GeneratedKeyType.STRING.key(1));
    }
  }

  @Provide
  Arbitrary<List<ReferenceFeatureRow>> rowsOfShape() {
    return ReferenceDataGenerator.featureRows(
        new ReferenceDataGenerator.GroupShape(
            GeneratedKeyType.STRING, 5, 3, 10, 20, List.of(GeneratedValueType.values()), 0.2));
  }

  @Provide
  Arbitrary<List<ReferenceSpineRow>> spines() {
    return ReferenceDataGenerator.spine(
        List.of(
            new ReferenceDataGenerator.SpineKey("user_id", GeneratedKeyType.INT64, 7),
            new ReferenceDataGenerator.SpineKey("product_id", GeneratedKeyType.STRING, 2)),
        50,
        20,
        0.2);
  }

  @Test
  void benchmarkChunksCoverTheWorkloadWithEveryKeyOncePerCommit() {
    BenchmarkWorkload tiny = new BenchmarkWorkload("tiny", 10, 3, 2, 25, 1);
    List<Long> keys = new ArrayList<>();
    List<Long> commits = new ArrayList<>();
    tiny.generateFeatureChunks(
        7,
        chunk -> {
          for (int i = 0; i < chunk.rowCount(); i++) {
            keys.add(chunk.keys()[i]);
            commits.add(chunk.commitSequences()[i]);
          }
        });
    int[] spineRows = new int[1];
    tiny.generateSpineChunks(10, chunk -> spineRows[0] += chunk.rowCount());

    assertThat(keys).hasSize(30).containsOnly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(commits.subList(0, 10)).containsOnly(1L);
    assertThat(commits.subList(20, 30)).containsOnly(3L);
    assertThat(spineRows[0]).isEqualTo(25);
  }

  private static Optional<Object> valueFor(
      ReferenceSpineRow spineRow, ReferenceFeatureGroup group) {
    return ReferencePointInTimeJoin.winner(spineRow, group).map(row -> row.values().get(0));
  }

  private static ReferenceFeatureGroup group(long ttl, long asOf, ReferenceFeatureRow... rows) {
    return new ReferenceFeatureGroup("user_id", ttl, asOf, List.of(rows));
  }

  private static ReferenceFeatureRow row(
      Object key, long time, long commit, long ordinal, Object value) {
    return new ReferenceFeatureRow(key, time, commit, ordinal, Arrays.asList(value));
  }

  private static ReferenceSpineRow spineRow(Object key, long time) {
    return new ReferenceSpineRow(Map.of("user_id", key), time);
  }
}
