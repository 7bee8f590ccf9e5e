package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.testing.ReferenceFeatureRow;
import dev.featurestore.testing.ReferenceSpineRow;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consent rules of {@code semantics.md}, one per test: a spine row {@code (k, t)} has consent
 * for purpose P when the latest event of {@code k} for P at or before {@code t} says granted. User
 * 1 has score 1.0 from time 0; the spine asks at time 20 unless said otherwise.
 */
class ConsentJoinTest {
  private static final String MARKETING = "marketing";
  private static final Entity USER = new Entity("user_id", KeyType.INT64, "");
  private static final FeatureGroup USER_SCORES =
      new FeatureGroup(
          "user_scores",
          USER,
          List.of(FeatureDefinition.scalar("score", FeatureType.FLOAT64)),
          Duration.ZERO,
          false,
          "",
          1);
  private static final FeatureGroup USER_CONSENT = consentGroup(Duration.ZERO);

  @TempDir Path spillDirectory;

  private final RootAllocator allocator = new RootAllocator();
  private final ForkJoinPool pool = new ForkJoinPool(2);

  @AfterEach
  void releasesEveryBuffer() {
    pool.close();
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @ParameterizedTest(name = "partitioned: {0}")
  @ValueSource(booleans = {false, true})
  void consentGrantedBeforeTheSpineTimeKeepsTheRow(boolean partitioned) throws IOException {
    Joined joined =
        join(
            options(partitioned),
            ConsentPolicy.EXCLUDE,
            List.of(consent(1L, 10, 1, 0, MARKETING, true)),
            user(1L, 20));

    assertThat(joined.output().column("score")).containsExactly(1.0);
    assertThat(joined.statistics().rowsWithoutConsent()).isZero();
  }

  @ParameterizedTest(name = "partitioned: {0}")
  @ValueSource(booleans = {false, true})
  void consentWithdrawnBeforeTheSpineTimeLeavesTheRowOut(boolean partitioned) throws IOException {
    Joined joined =
        join(
            options(partitioned),
            ConsentPolicy.EXCLUDE,
            List.of(consent(1L, 5, 1, 0, MARKETING, true), consent(1L, 10, 1, 1, MARKETING, false)),
            user(1L, 20),
            user(1L, 7));

    assertThat(joined.output().column("spine_time")).containsExactly(7L);
    assertThat(joined.statistics().rowsWithoutConsent()).isEqualTo(1);
  }

  @Test
  void consentGrantedAfterTheSpineTimeDoesNotCountYet() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(consent(1L, 30, 1, 0, MARKETING, true)),
            user(1L, 20),
            user(1L, 30));

    assertThat(joined.output().column("spine_time")).containsExactly(30L);
  }

  @Test
  void anEventExactlyAtTheSpineTimeCounts() throws IOException {
    Joined granted =
        join(ConsentPolicy.EXCLUDE, List.of(consent(1L, 20, 1, 0, MARKETING, true)), user(1L, 20));
    Joined withdrawn =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(
                consent(1L, 10, 1, 0, MARKETING, true), consent(1L, 20, 1, 1, MARKETING, false)),
            user(1L, 20));

    assertThat(granted.output().column("score")).containsExactly(1.0);
    assertThat(withdrawn.output().rows()).isEmpty();
  }

  @Test
  void consentForAnotherPurposeDoesNotCount() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(
                consent(1L, 10, 1, 0, "advertising", true),
                consent(2L, 10, 1, 1, MARKETING, true),
                consent(2L, 15, 1, 2, "advertising", false)),
            user(1L, 20),
            user(2L, 20));

    assertThat(joined.output().column("user_id")).containsExactly(2L);
  }

  @Test
  void aKeyWithoutAnyConsentEventIsLeftOut() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(consent(2L, 10, 1, 0, MARKETING, true)),
            user(1L, 20),
            user(2L, 20),
            user(1L, 25));

    assertThat(joined.output().column("user_id")).containsExactly(2L);
    assertThat(joined.statistics().rowsWithoutConsent()).isEqualTo(2);
  }

  @Test
  void aNullGrantedIsNoConsent() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(consent(1L, 10, 1, 0, MARKETING, true), consent(1L, 15, 1, 1, MARKETING, null)),
            user(1L, 20),
            user(1L, 12));

    assertThat(joined.output().column("spine_time")).containsExactly(12L);
  }

  @Test
  void aLaterCommitOfTheSameEffectiveTimeDecides() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(
                consent(1L, 10, 2, 0, MARKETING, false), consent(1L, 10, 1, 5, MARKETING, true)),
            user(1L, 20));

    assertThat(joined.output().rows()).isEmpty();
  }

  @Test
  void consentOfCommitsAfterTheVersionReadIsInvisible() throws IOException {
    FeatureGroupRequest scores = scores();
    ConsentRecords asOfFirstCommit =
        new ConsentRecords(
            USER_CONSENT,
            1,
            JoinTestData.source(
                allocator, USER_CONSENT, List.of(List.of(consent(1L, 10, 2, 0, MARKETING, true)))));

    Joined joined =
        join(
            JoinOptions.DEFAULT,
            new SpineConsent(MARKETING, ConsentPolicy.EXCLUDE, List.of(asOfFirstCommit)),
            scores,
            List.of(user(1L, 20)));

    assertThat(joined.output().rows()).isEmpty();
  }

  @Test
  void consentLapsesAfterTheConsentGroupsTtl() throws IOException {
    FeatureGroup lapsing = consentGroup(Duration.ofNanos(10_000));
    ConsentRecords records =
        new ConsentRecords(
            lapsing,
            1,
            JoinTestData.source(
                allocator, lapsing, List.of(List.of(consent(1L, 10, 1, 0, MARKETING, true)))));

    Joined joined =
        join(
            JoinOptions.DEFAULT,
            new SpineConsent(MARKETING, ConsentPolicy.EXCLUDE, List.of(records)),
            scores(),
            List.of(user(1L, 20), user(1L, 21)));

    assertThat(joined.output().column("spine_time")).containsExactly(20L);
  }

  @ParameterizedTest(name = "partitioned: {0}")
  @ValueSource(booleans = {false, true})
  void nullFeaturesKeepsTheRowWithNullFeaturesAndNoWinner(boolean partitioned) throws IOException {
    Joined joined =
        join(
            options(partitioned),
            ConsentPolicy.NULL_FEATURES,
            List.of(consent(2L, 10, 1, 0, MARKETING, true)),
            user(1L, 20),
            user(2L, 20));

    assertThat(joined.output().rows())
        .containsExactly(Arrays.asList(1L, 20L, null), Arrays.asList(2L, 20L, 2.0));
    assertThat(joined.winners()).containsExactly("none", "1/1");
    assertThat(joined.statistics().rowsWithoutConsent()).isEqualTo(1);
  }

  @Test
  void excludedRowsHaveNoWinnerAndTheOthersKeepTheirPlaces() throws IOException {
    Joined joined =
        join(
            ConsentPolicy.EXCLUDE,
            List.of(consent(2L, 10, 1, 0, MARKETING, true)),
            user(2L, 20),
            user(1L, 20),
            user(2L, 5),
            user(2L, 30));

    assertThat(joined.output().column("spine_time")).containsExactly(20L, 30L);
    assertThat(joined.output().column("score")).containsExactly(2.0, 2.0);
    assertThat(joined.winners()).containsExactly("1/1", "none", "none", "1/1");
  }

  @Test
  void aConsentGroupNeedsAStringPurposeAndABoolGranted() {
    FeatureGroup withoutGranted =
        new FeatureGroup(
            "user_id_consent",
            USER,
            List.of(FeatureDefinition.scalar(ConsentRecords.PURPOSE, FeatureType.STRING)),
            Duration.ZERO,
            false,
            "",
            1);

    assertThatThrownBy(() -> new ConsentRecords(withoutGranted, 1, consumer -> {}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("purpose (STRING) and granted (BOOL)");
  }

  private record Joined(CollectingSink output, JoinStatistics statistics, List<String> winners) {}

  private Joined join(
      ConsentPolicy policy, List<ReferenceFeatureRow> consentEvents, ReferenceSpineRow... spine)
      throws IOException {
    return join(JoinOptions.DEFAULT, policy, consentEvents, spine);
  }

  private Joined join(
      JoinOptions options,
      ConsentPolicy policy,
      List<ReferenceFeatureRow> consentEvents,
      ReferenceSpineRow... spine)
      throws IOException {
    ConsentRecords records =
        new ConsentRecords(
            USER_CONSENT, 2, JoinTestData.source(allocator, USER_CONSENT, List.of(consentEvents)));
    return join(
        options, new SpineConsent(MARKETING, policy, List.of(records)), scores(), List.of(spine));
  }

  private Joined join(
      JoinOptions options,
      SpineConsent consent,
      FeatureGroupRequest scores,
      List<ReferenceSpineRow> spineRows)
      throws IOException {
    CollectingSink output = new CollectingSink();
    List<String> winners = new ArrayList<>();
    try (VectorSchemaRoot spine = JoinTestData.spine(allocator, List.of(USER), spineRows)) {
      JoinStatistics statistics =
          new PointInTimeJoinEngine(allocator, options, pool)
              .join(
                  new PointInTimeJoinRequest(
                      spine, "spine_time", List.of(scores), Optional.of(consent)),
                  output,
                  (groupIndex, request, winningRows) -> {
                    for (int row = 0; row < winningRows.spineRowCount(); row++) {
                      winners.add(
                          winningRows.hasWinner(row)
                              ? winningRows.commitSequence(row) + "/" + winningRows.rowOrdinal(row)
                              : "none");
                    }
                  });
      return new Joined(output, statistics, winners);
    }
  }

  /** Users 1 and 2 have scores 1.0 and 2.0 from time 0. */
  private FeatureGroupRequest scores() {
    return new FeatureGroupRequest(
        USER_SCORES,
        1,
        List.of(FeatureSelection.of("score")),
        JoinTestData.source(
            allocator,
            USER_SCORES,
            List.of(
                List.of(
                    new ReferenceFeatureRow(1L, 0, 1, 0, List.of(1.0)),
                    new ReferenceFeatureRow(2L, 0, 1, 1, List.of(2.0))))));
  }

  private JoinOptions options(boolean partitioned) {
    return partitioned
        ? new JoinOptions(2, 64).withMemoryBudget(1).withSpillDirectory(spillDirectory)
        : JoinOptions.DEFAULT;
  }

  private static FeatureGroup consentGroup(Duration ttl) {
    return new FeatureGroup(
        ConsentRecords.groupNameOf(USER),
        USER,
        List.of(
            FeatureDefinition.scalar(ConsentRecords.PURPOSE, FeatureType.STRING),
            FeatureDefinition.scalar(ConsentRecords.GRANTED, FeatureType.BOOL)),
        ttl,
        false,
        "",
        1);
  }

  private static ReferenceFeatureRow consent(
      long key, long effectiveTime, long commit, long ordinal, String purpose, Boolean granted) {
    return new ReferenceFeatureRow(
        key, effectiveTime, commit, ordinal, Arrays.asList(purpose, granted));
  }

  private static ReferenceSpineRow user(long key, long spineTime) {
    return new ReferenceSpineRow(Map.of("user_id", key), spineTime);
  }
}
