package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.testing.ReferenceFeatureRow;
import dev.featurestore.testing.ReferenceSpineRow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PointInTimeJoinEngineTest {
  @TempDir Path spillDirectory;

  private static final Entity USER = new Entity("user_id", KeyType.INT64, "");
  private static final Entity PRODUCT = new Entity("product_id", KeyType.STRING, "");
  private static final FeatureGroup USER_SCORES =
      group(
          "user_scores",
          USER,
          Duration.ZERO,
          FeatureDefinition.scalar("score", FeatureType.FLOAT64));

  /** {@link #USER_SCORES} with a feature added later, rank, which its older batches lack. */
  private static final FeatureGroup SCORES_WITH_RANK =
      group(
          "user_scores",
          USER,
          Duration.ZERO,
          scoreFeature(),
          FeatureDefinition.scalar("rank", FeatureType.INT64));

  private final RootAllocator allocator = new RootAllocator();
  private final ForkJoinPool pool = new ForkJoinPool(2);

  @AfterEach
  void releasesEveryBuffer() {
    pool.close();
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @Test
  void consecutiveJoinsRunOnTheThreadsOfTheSharedPool() throws IOException {
    FeatureGroupRequest scores = request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0)), "score");
    Set<Thread> joiningThreads = ConcurrentHashMap.newKeySet();
    WinningRowsListener recordThread =
        (groupIndex, request, winners) -> joiningThreads.add(Thread.currentThread());

    join(JoinOptions.DEFAULT, recordThread, List.of(USER), List.of(user(1L, 20)), scores);
    join(JoinOptions.DEFAULT, recordThread, List.of(USER), List.of(user(1L, 20)), scores);

    assertThat(joiningThreads)
        .isNotEmpty()
        .allSatisfy(
            thread ->
                assertThat(thread)
                    .isInstanceOfSatisfying(
                        ForkJoinWorkerThread.class,
                        worker -> assertThat(worker.getPool()).isSameAs(pool)));
  }

  @Test
  void aJoinThatFitsInMemorySpillsNothing() throws IOException {
    assertThat(spilledBytes(options(false))).isZero();
  }

  @Test
  void aJoinOverItsBudgetReportsTheBytesItSpilled() throws IOException {
    assertThat(spilledBytes(options(true))).isPositive();
  }

  private long spilledBytes(JoinOptions options) throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0), row(2L, 10, 1, 1, 2.0)), "score");
    CollectingSink output = new CollectingSink();
    try (VectorSchemaRoot spine =
        JoinTestData.spine(allocator, List.of(USER), List.of(user(1L, 20), user(2L, 20)))) {
      long spilled =
          engine(options)
              .join(new PointInTimeJoinRequest(spine, "spine_time", List.of(scores)), output)
              .spilledBytes();
      assertThat(output.column("score")).containsExactly(1.0, 2.0);
      return spilled;
    }
  }

  @Test
  void joinsLatestValueAtOrBeforeSpineTime() throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0), row(1L, 20, 1, 1, 2.0)), "score");

    CollectingSink output =
        join(List.of(USER), List.of(user(1L, 20), user(1L, 19), user(1L, 21), user(1L, 9)), scores);

    assertThat(output.column("score")).containsExactly(2.0, 1.0, 2.0, null);
  }

  @Test
  void includesRowExactlyAtTtlWindowStart() throws IOException {
    FeatureGroup withTtl = group("user_scores", USER, Duration.ofNanos(10_000), scoreFeature());
    FeatureGroupRequest scores = request(withTtl, 1, List.of(row(1L, 100, 1, 0, 1.0)), "score");

    CollectingSink output =
        join(List.of(USER), List.of(user(1L, 110), user(1L, 111), user(1L, 100)), scores);

    assertThat(output.column("score")).containsExactly(1.0, null, 1.0);
  }

  @Test
  void ttlDropsDigitsBelowTheMicrosecondLikeEveryStoredTime() throws IOException {
    // 10.999 microseconds is stored, as every duration, as 10.
    FeatureGroup withTtl = group("user_scores", USER, Duration.ofNanos(10_999), scoreFeature());
    FeatureGroupRequest scores = request(withTtl, 1, List.of(row(1L, 100, 1, 0, 1.0)), "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, 110), user(1L, 111)), scores);

    assertThat(output.column("score")).containsExactly(1.0, null);
  }

  @Test
  void zeroTtlKeepsEveryEarlierRowACandidate() throws IOException {
    FeatureGroupRequest scores = request(USER_SCORES, 1, List.of(row(1L, -5, 1, 0, 1.0)), "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, Long.MAX_VALUE)), scores);

    assertThat(output.column("score")).containsExactly(1.0);
  }

  @Test
  void ttlWindowDoesNotWrapAroundNearTheSmallestInstant() throws IOException {
    FeatureGroup withTtl = group("user_scores", USER, Duration.ofDays(1), scoreFeature());
    FeatureGroupRequest scores =
        request(withTtl, 1, List.of(row(1L, Long.MIN_VALUE, 1, 0, 1.0)), "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, Long.MIN_VALUE + 1)), scores);

    assertThat(output.column("score")).containsExactly(1.0);
  }

  @Test
  void laterCommitWinsAmongRowsAtTheSmallestInstant() throws IOException {
    // An empty slot holds the smallest instant as its candidate's time: the first row at that
    // instant must still win it, and a later commit then beat that row.
    FeatureGroupRequest scores =
        request(
            USER_SCORES,
            3,
            List.of(row(1L, Long.MIN_VALUE, 2, 0, 2.0), row(1L, Long.MIN_VALUE, 1, 0, 1.0)),
            "score");

    CollectingSink output =
        join(List.of(USER), List.of(user(1L, Long.MIN_VALUE), user(2L, Long.MIN_VALUE)), scores);

    assertThat(output.column("score")).containsExactly(2.0, null);
  }

  @Test
  void laterCommitWinsAmongEqualEventTimes() throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 3, List.of(row(1L, 10, 3, 0, 3.0), row(1L, 10, 2, 7, 2.0)), "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, 10)), scores);

    assertThat(output.column("score")).containsExactly(3.0);
  }

  @Test
  void laterRowOfTheUploadWinsWithinOneCommit() throws IOException {
    FeatureGroupRequest scores =
        requestInBatches(
            USER_SCORES,
            1,
            List.of(List.of(row(1L, 10, 1, 5, 5.0)), List.of(row(1L, 10, 1, 4, 4.0))),
            "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, 10)), scores);

    assertThat(output.column("score")).containsExactly(5.0);
  }

  @Test
  void rowsOfCommitsAfterTheAsOfCommitAreInvisible() throws IOException {
    List<ReferenceFeatureRow> rows =
        List.of(row(1L, 10, 1, 0, 1.0), row(1L, 15, 2, 0, 2.0), row(2L, 10, 2, 0, 9.0));

    CollectingSink asOfFirst =
        join(
            List.of(USER),
            List.of(user(1L, 20), user(2L, 20)),
            request(USER_SCORES, 1, rows, "score"));
    CollectingSink asOfSecond =
        join(
            List.of(USER),
            List.of(user(1L, 20), user(2L, 20)),
            request(USER_SCORES, 2, rows, "score"));

    assertThat(asOfFirst.column("score")).containsExactly(1.0, null);
    assertThat(asOfSecond.column("score")).containsExactly(2.0, 9.0);
  }

  @Test
  void keysWithManySpineRowsAndWithFewFindTheSameSlots() throws IOException {
    // Key 1 has more spine rows than are sorted by insertion, key 2 fewer; both in shuffled order
    // with repeated times. Stored rows at the even times 0..58 hold their time.
    List<ReferenceFeatureRow> rows = new ArrayList<>();
    for (long time = 0; time < 60; time += 2) {
      rows.add(row(1L, time, 1, time, (double) time));
      rows.add(row(2L, time, 1, 100 + time, (double) time));
    }
    List<ReferenceSpineRow> spineRows = new ArrayList<>();
    List<Double> expected = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      long key = i % 8 == 0 ? 2L : 1L;
      long time = (i * 37L % 80) * 3 / 4;
      spineRows.add(user(key, time));
      expected.add((double) Math.min(time - time % 2, 58));
    }

    CollectingSink output = join(List.of(USER), spineRows, request(USER_SCORES, 1, rows, "score"));

    assertThat(output.column("score")).containsExactlyElementsOf(expected);
  }

  @Test
  void keepsDuplicateSpineRowsInSpineOrder() throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0), row(2L, 10, 1, 1, 2.0)), "score");

    CollectingSink output =
        join(
            List.of(USER),
            List.of(user(1L, 20), user(2L, 20), user(1L, 20), user(1L, 20), user(2L, 5)),
            scores);

    assertThat(output.rows())
        .containsExactly(
            List.of(1L, 20L, 1.0),
            List.of(2L, 20L, 2.0),
            List.of(1L, 20L, 1.0),
            List.of(1L, 20L, 1.0),
            Arrays.asList(2L, 5L, null));
  }

  @Test
  void splitsOutputIntoBatchesWithoutReordering() throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0), row(2L, 10, 1, 1, 2.0)), "score");
    List<ReferenceSpineRow> spine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      spine.add(user(i % 3 == 0 ? 1L : 2L, 10 + i));
    }

    CollectingSink output = join(new JoinOptions(2, 2), List.of(USER), spine, scores);

    assertThat(output.batchSizes()).containsExactly(2, 2, 1);
    assertThat(output.column("score")).containsExactly(1.0, 2.0, 2.0, 1.0, 2.0);
  }

  @Test
  void passesExtraSpineColumnsThroughUnchanged() throws IOException {
    FeatureGroupRequest scores = request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0)), "score");
    Schema spineSchema =
        new Schema(
            List.of(
                new Field("label", FieldType.nullable(ArrowType.Utf8.INSTANCE), null),
                StoredRowSchema.keyField(USER),
                new Field(
                    "weight",
                    FieldType.nullable(
                        new ArrowType.FloatingPoint(
                            org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)),
                    null),
                new Field(
                    "spine_time", FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null)));
    CollectingSink output = new CollectingSink();
    try (VectorSchemaRoot spine = VectorSchemaRoot.create(spineSchema, allocator)) {
      spine.allocateNew();
      List<List<Object>> spineRows =
          List.of(Arrays.asList("a", 1L, 0.5, 20L), Arrays.asList(null, 3L, null, 20L));
      for (int row = 0; row < spineRows.size(); row++) {
        for (int column = 0; column < 4; column++) {
          JoinTestData.setValue(spine.getVector(column), row, spineRows.get(row).get(column));
        }
      }
      spine.setRowCount(spineRows.size());

      engine(JoinOptions.DEFAULT)
          .join(new PointInTimeJoinRequest(spine, "spine_time", List.of(scores)), output);
    }

    assertThat(output.columnNames())
        .containsExactly("label", "user_id", "weight", "spine_time", "score");
    assertThat(output.rows())
        .containsExactly(
            Arrays.asList("a", 1L, 0.5, 20L, 1.0), Arrays.asList(null, 3L, null, 20L, null));
  }

  @Test
  void nullFeatureValueWinsOverAnOlderValue() throws IOException {
    FeatureGroupRequest scores =
        request(
            USER_SCORES,
            1,
            List.of(row(1L, 10, 1, 0, 1.0), row(1L, 20, 1, 1, (Object) null)),
            "score");
    List<Long> winningCommits = new ArrayList<>();

    CollectingSink output =
        join(
            JoinOptions.DEFAULT,
            (groupIndex, request, winners) -> {
              for (int row = 0; row < winners.spineRowCount(); row++) {
                winningCommits.add(winners.commitSequence(row));
              }
            },
            List.of(USER),
            List.of(user(1L, 25), user(1L, 15), user(1L, 5)),
            scores);

    assertThat(output.column("score")).containsExactly(null, 1.0, null);
    assertThat(winningCommits).containsExactly(1L, 1L, -1L);
  }

  @Test
  void spineKeysAbsentFromTheGroupGetNullFeatures() throws IOException {
    FeatureGroupRequest scores = request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0)), "score");

    CollectingSink output =
        join(List.of(USER), List.of(user(7L, 20), user(1L, 20), user(-1L, 20)), scores);

    assertThat(output.column("score")).containsExactly(null, 1.0, null);
  }

  @Test
  void groupWithoutVisibleRowsGivesNullFeatures() throws IOException {
    FeatureGroupRequest scores = request(USER_SCORES, 0, List.of(row(1L, 10, 1, 0, 1.0)), "score");

    CollectingSink output = join(List.of(USER), List.of(user(1L, 20)), scores);

    assertThat(output.column("score")).containsExactly((Object) null);
  }

  @Test
  void joinsGroupsOnTwoEntitiesInOneRequest() throws IOException {
    FeatureGroup productPrices =
        group(
            "product_prices",
            PRODUCT,
            Duration.ZERO,
            FeatureDefinition.scalar("price", FeatureType.FLOAT64));
    FeatureGroupRequest scores =
        request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0), row(2L, 30, 1, 1, 2.0)), "score");
    FeatureGroupRequest prices =
        request(
            productPrices,
            4,
            List.of(
                row("book", 5, 4, 0, 12.5), row("pen", 25, 4, 1, 1.5), row("book", 40, 4, 2, 9.0)),
            "price");

    CollectingSink output =
        join(
            List.of(USER, PRODUCT),
            List.of(
                spineRow(Map.of("user_id", 1L, "product_id", "book"), 30),
                spineRow(Map.of("user_id", 2L, "product_id", "pen"), 20),
                spineRow(Map.of("user_id", 2L, "product_id", "book"), 45)),
            scores,
            prices);

    assertThat(output.columnNames())
        .containsExactly("user_id", "product_id", "spine_time", "score", "price");
    assertThat(output.column("score")).containsExactly(1.0, null, 2.0);
    assertThat(output.column("price")).containsExactly(12.5, null, 9.0);
  }

  @Test
  void matchesStringKeysByTheirBytes() throws IOException {
    FeatureGroup productPrices =
        group(
            "product_prices",
            PRODUCT,
            Duration.ZERO,
            FeatureDefinition.scalar("price", FeatureType.FLOAT64));
    List<ReferenceFeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      rows.add(row("product-" + i, 10, 1, i, (double) i));
    }
    rows.add(row("", 10, 1, 3000, -1.0));
    rows.add(row("clé", 10, 1, 3001, -2.0));

    CollectingSink output =
        join(
            List.of(PRODUCT),
            List.of(
                product("product-2999", 10),
                product("", 10),
                product("clé", 10),
                product("cle", 10),
                product("product-1", 10),
                product("product-", 10)),
            request(productPrices, 1, rows, "price"));

    assertThat(output.column("price")).containsExactly(2999.0, -1.0, -2.0, null, 1.0, null);
  }

  @Test
  void copiesEveryFeatureTypeExactly() throws IOException {
    FeatureGroup everyType =
        group(
            "every_type",
            USER,
            Duration.ZERO,
            FeatureDefinition.scalar("flag", FeatureType.BOOL),
            FeatureDefinition.scalar("count32", FeatureType.INT32),
            FeatureDefinition.scalar("count64", FeatureType.INT64),
            FeatureDefinition.scalar("ratio32", FeatureType.FLOAT32),
            FeatureDefinition.scalar("ratio64", FeatureType.FLOAT64),
            FeatureDefinition.scalar("name", FeatureType.STRING),
            FeatureDefinition.scalar("payload", FeatureType.BYTES),
            FeatureDefinition.scalar("seen_at", FeatureType.TIMESTAMP),
            FeatureDefinition.vector("embedding", 3));
    FeatureGroupRequest request =
        request(
            everyType,
            1,
            List.of(
                row(
                    1L,
                    10,
                    1,
                    0,
                    true,
                    Integer.MIN_VALUE,
                    Long.MAX_VALUE,
                    1.5f,
                    -0.0,
                    "héllo",
                    new byte[] {0, -1, 7},
                    -42L,
                    new float[] {1f, Float.NaN, -3.25f}),
                row(2L, 10, 1, 1, null, null, null, null, null, null, null, null, null),
                row(
                    3L,
                    10,
                    1,
                    2,
                    false,
                    0,
                    0L,
                    Float.MIN_VALUE,
                    Double.MAX_VALUE,
                    "",
                    new byte[0],
                    0L,
                    new float[] {0f, 0f, 0f})),
            "flag",
            "count32",
            "count64",
            "ratio32",
            "ratio64",
            "name",
            "payload",
            "seen_at",
            "embedding");

    CollectingSink output =
        join(
            List.of(USER),
            List.of(user(3L, 10), user(1L, 10), user(2L, 10), user(4L, 10)),
            request);

    List<Object> absent = Arrays.asList(new Object[9]);
    assertThat(output.rows().stream().map(row -> row.subList(2, row.size())).toList())
        .containsExactly(
            List.of(
                false, 0, 0L, Float.MIN_VALUE, Double.MAX_VALUE, "", "", 0L, List.of(0f, 0f, 0f)),
            List.of(
                true,
                Integer.MIN_VALUE,
                Long.MAX_VALUE,
                1.5f,
                -0.0,
                "héllo",
                "00ff07",
                -42L,
                List.of(1f, Float.NaN, -3.25f)),
            absent,
            absent);
    assertThat(output.schema().findField("embedding").getType())
        .isEqualTo(new ArrowType.FixedSizeList(3));
    assertThat(output.schema().findField("seen_at").getType())
        .isEqualTo(StoredRowSchema.TIMESTAMP_TYPE);
  }

  @ParameterizedTest(name = "partitioned: {0}")
  @ValueSource(booleans = {false, true})
  void featureMissingFromAnOlderBatchIsNull(boolean partitioned) throws IOException {
    FeatureGroupRequest request =
        scoreAndRank(
            StoredRowSchema.of(USER_SCORES),
            row(1L, 10, 1, 0, 1.0),
            StoredRowSchema.of(SCORES_WITH_RANK),
            row(2L, 10, 2, 0, 2.0, 5L));

    CollectingSink output =
        join(options(partitioned), List.of(USER), List.of(user(1L, 10), user(2L, 10)), request);

    assertThat(output.column("score")).containsExactly(1.0, 2.0);
    assertThat(output.column("rank")).containsExactly(null, 5L);
  }

  @ParameterizedTest(name = "partitioned: {0}")
  @ValueSource(booleans = {false, true})
  void laterRowOfABatchWithoutTheFeatureReplacesAnEarlierValueWithNull(boolean partitioned)
      throws IOException {
    // The batch with the feature comes first, so its row is the spine row's candidate when the
    // later row of the batch without the feature arrives.
    FeatureGroupRequest request =
        scoreAndRank(
            StoredRowSchema.of(SCORES_WITH_RANK),
            row(1L, 5, 2, 0, 2.0, 5L),
            StoredRowSchema.of(USER_SCORES),
            row(1L, 8, 1, 0, 1.0));

    CollectingSink output =
        join(options(partitioned), List.of(USER), List.of(user(1L, 10)), request);

    assertThat(output.column("score")).containsExactly(1.0);
    assertThat(output.column("rank")).containsNull();
  }

  /**
   * Score and rank of {@link #SCORES_WITH_RANK} as of commit 2, from two one-row batches read in
   * this order, each in the schema given (the older one, {@code USER_SCORES}'s, lacks rank).
   */
  private FeatureGroupRequest scoreAndRank(
      Schema firstSchema,
      ReferenceFeatureRow first,
      Schema secondSchema,
      ReferenceFeatureRow second) {
    StoredRowSource storedRows =
        consumer -> {
          try (VectorSchemaRoot firstBatch =
                  JoinTestData.storedRows(allocator, firstSchema, List.of(first));
              VectorSchemaRoot secondBatch =
                  JoinTestData.storedRows(allocator, secondSchema, List.of(second))) {
            consumer.accept(firstBatch);
            consumer.accept(secondBatch);
          }
        };
    return new FeatureGroupRequest(
        SCORES_WITH_RANK,
        2,
        List.of(FeatureSelection.of("score"), FeatureSelection.of("rank")),
        storedRows);
  }

  @Test
  void aliasesSeparateFeaturesOfTheSameName() throws IOException {
    FeatureGroup otherScores = group("other_scores", USER, Duration.ZERO, scoreFeature());
    FeatureGroupRequest first = request(USER_SCORES, 1, List.of(row(1L, 10, 1, 0, 1.0)), "score");
    FeatureGroupRequest second =
        new FeatureGroupRequest(
            otherScores,
            1,
            List.of(new FeatureSelection("score", "other_scores__score")),
            JoinTestData.source(allocator, otherScores, List.of(List.of(row(1L, 10, 1, 0, 2.0)))));

    CollectingSink output = join(List.of(USER), List.of(user(1L, 10)), first, second);

    assertThat(output.columnNames()).endsWith("score", "other_scores__score");
    assertThat(output.rows()).containsExactly(List.of(1L, 10L, 1.0, 2.0));
  }

  @Test
  void rejectsOutputColumnsThatClashWithoutAlias() {
    FeatureGroup otherScores = group("other_scores", USER, Duration.ZERO, scoreFeature());
    FeatureGroupRequest first = request(USER_SCORES, 1, List.of(), "score");
    FeatureGroupRequest second = request(otherScores, 1, List.of(), "score");

    assertThatThrownBy(() -> join(List.of(USER), List.of(user(1L, 10)), first, second))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("groups[1].features[0].outputColumn")
        .hasMessageContaining("other_scores__score");
  }

  @Test
  void rejectsSpineTimeWithoutTimeZone() {
    FeatureGroupRequest scores = request(USER_SCORES, 1, List.of(), "score");
    Schema spineSchema =
        new Schema(
            List.of(
                StoredRowSchema.keyField(USER),
                new Field(
                    "spine_time",
                    FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                    null)));

    try (VectorSchemaRoot spine = VectorSchemaRoot.create(spineSchema, allocator)) {
      assertThatThrownBy(
              () ->
                  engine(JoinOptions.DEFAULT)
                      .join(
                          new PointInTimeJoinRequest(spine, "spine_time", List.of(scores)),
                          new CollectingSink()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("spine.spine_time");
    }
  }

  @Test
  void rejectsSpineWithoutTheGroupsKeyColumn() {
    FeatureGroup productPrices =
        group(
            "product_prices",
            PRODUCT,
            Duration.ZERO,
            FeatureDefinition.scalar("price", FeatureType.FLOAT64));

    assertThatThrownBy(
            () ->
                join(
                    List.of(USER),
                    List.of(user(1L, 10)),
                    request(productPrices, 1, List.of(), "price")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("spine.product_id");
  }

  @Test
  void releasesTakenVectorsWhenTheSourceFails() {
    StoredRowSource failing =
        consumer -> {
          try (VectorSchemaRoot batch =
              JoinTestData.storedRows(
                  allocator, StoredRowSchema.of(USER_SCORES), List.of(row(1L, 10, 1, 0, 1.0)))) {
            consumer.accept(batch);
          }
          throw new IOException("disk gone");
        };
    FeatureGroupRequest scores =
        new FeatureGroupRequest(USER_SCORES, 1, List.of(FeatureSelection.of("score")), failing);

    assertThatThrownBy(() -> join(List.of(USER), List.of(user(1L, 10)), scores))
        .isInstanceOf(IOException.class)
        .hasMessage("disk gone");
  }

  @Test
  void reportsWinningRowsOfEveryGroupForLineage() throws IOException {
    FeatureGroupRequest scores =
        request(USER_SCORES, 2, List.of(row(1L, 10, 1, 3, 1.0), row(1L, 10, 2, 8, 2.0)), "score");
    List<String> winners = new ArrayList<>();

    join(
        JoinOptions.DEFAULT,
        (groupIndex, request, winningRows) -> {
          for (int row = 0; row < winningRows.spineRowCount(); row++) {
            winners.add(
                request.group().name()
                    + " row "
                    + row
                    + ": "
                    + (winningRows.hasWinner(row)
                        ? winningRows.commitSequence(row)
                            + "/"
                            + winningRows.rowOrdinal(row)
                            + "@"
                            + winningRows.eventTimeMicros(row)
                        : "none"));
          }
        },
        List.of(USER),
        List.of(user(1L, 10), user(2L, 10)),
        scores);

    assertThat(winners).containsExactly("user_scores row 0: 2/8@10", "user_scores row 1: none");
  }

  private CollectingSink join(
      List<Entity> entities, List<ReferenceSpineRow> spineRows, FeatureGroupRequest... groups)
      throws IOException {
    return join(JoinOptions.DEFAULT, entities, spineRows, groups);
  }

  private CollectingSink join(
      JoinOptions options,
      List<Entity> entities,
      List<ReferenceSpineRow> spineRows,
      FeatureGroupRequest... groups)
      throws IOException {
    return join(options, WinningRowsListener.IGNORE, entities, spineRows, groups);
  }

  private CollectingSink join(
      JoinOptions options,
      WinningRowsListener listener,
      List<Entity> entities,
      List<ReferenceSpineRow> spineRows,
      FeatureGroupRequest... groups)
      throws IOException {
    CollectingSink output = new CollectingSink();
    try (VectorSchemaRoot spine = JoinTestData.spine(allocator, entities, spineRows)) {
      engine(options)
          .join(new PointInTimeJoinRequest(spine, "spine_time", List.of(groups)), output, listener);
    }
    return output;
  }

  /** The default options, or a budget so small that the join is partitioned and spilled. */
  private JoinOptions options(boolean partitioned) {
    return partitioned
        ? new JoinOptions(2, 64).withMemoryBudget(1).withSpillDirectory(spillDirectory)
        : JoinOptions.DEFAULT;
  }

  private PointInTimeJoinEngine engine(JoinOptions options) {
    return new PointInTimeJoinEngine(allocator, options, pool);
  }

  private FeatureGroupRequest request(
      FeatureGroup group, long asOf, List<ReferenceFeatureRow> rows, String... features) {
    return requestInBatches(group, asOf, List.of(rows), features);
  }

  private FeatureGroupRequest requestInBatches(
      FeatureGroup group, long asOf, List<List<ReferenceFeatureRow>> batches, String... features) {
    return new FeatureGroupRequest(
        group,
        asOf,
        Arrays.stream(features).map(FeatureSelection::of).toList(),
        JoinTestData.source(allocator, group, batches));
  }

  private static FeatureGroup group(
      String name, Entity entity, Duration ttl, FeatureDefinition... features) {
    return new FeatureGroup(name, entity, List.of(features), ttl, false, "", 1);
  }

  private static FeatureDefinition scoreFeature() {
    return FeatureDefinition.scalar("score", FeatureType.FLOAT64);
  }

  private static ReferenceFeatureRow row(
      Object key, long eventTime, long commit, long ordinal, Object... values) {
    return new ReferenceFeatureRow(key, eventTime, commit, ordinal, Arrays.asList(values));
  }

  private static ReferenceSpineRow user(long key, long spineTime) {
    return new ReferenceSpineRow(Map.of("user_id", key), spineTime);
  }

  private static ReferenceSpineRow product(String key, long spineTime) {
    return new ReferenceSpineRow(Map.of("product_id", key), spineTime);
  }

  private static ReferenceSpineRow spineRow(Map<String, Object> keys, long spineTime) {
    return new ReferenceSpineRow(keys, spineTime);
  }
}
