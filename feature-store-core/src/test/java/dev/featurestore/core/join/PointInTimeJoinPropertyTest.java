package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.testing.GeneratedKeyType;
import dev.featurestore.testing.GeneratedValueType;
import dev.featurestore.testing.ReferenceConsent;
import dev.featurestore.testing.ReferenceDataGenerator;
import dev.featurestore.testing.ReferenceDataGenerator.GroupShape;
import dev.featurestore.testing.ReferenceDataGenerator.SpineKey;
import dev.featurestore.testing.ReferenceFeatureGroup;
import dev.featurestore.testing.ReferenceFeatureRow;
import dev.featurestore.testing.ReferenceJoinedRow;
import dev.featurestore.testing.ReferencePointInTimeJoin;
import dev.featurestore.testing.ReferenceSpineRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The engine gives the reference join's answer on generated groups, spines, batchings and threads,
 * in memory and, with a budget of a few kilobytes, partitioned and spilled to disk; for half the
 * cases under a purpose, with generated consent events and either consent policy. Every dimension
 * is a jqwik arbitrary, so a failure shrinks to a few rows.
 */
class PointInTimeJoinPropertyTest {
  private static final long TIME_RANGE_MICROS = 40;
  private static final int MAX_COMMITS = 4;
  private static final int MAX_ROWS_PER_COMMIT = 13;
  private static final int MAX_SPINE_ROWS = 59;

  @Property(tries = 1500)
  void engineAgreesWithReferenceJoin(@ForAll("joinCases") JoinCase join) throws IOException {
    List<Scenario> scenarios = join.scenarios();
    List<ReferenceSpineRow> spineRows = join.spineRows();
    Map<String, Entity> entities = entities(scenarios);
    Path spillDirectory = Files.createTempDirectory("join-property-");
    JoinOptions options =
        new JoinOptions(join.parallelism(), join.outputBatchRows())
            .withSpillDirectory(spillDirectory);
    if (join.memoryBudgetBytes().isPresent()) {
      options = options.withMemoryBudget(join.memoryBudgetBytes().get());
    }

    List<ReferenceFeatureGroup> referenceGroups =
        scenarios.stream().map(Scenario::reference).toList();
    Optional<ReferenceConsent> referenceConsent = join.consent().map(ConsentCase::reference);
    List<ReferenceJoinedRow> expected =
        referenceConsent.isPresent()
            ? ReferencePointInTimeJoin.join(spineRows, referenceGroups, referenceConsent.get())
            : ReferencePointInTimeJoin.join(spineRows, referenceGroups);
    // The listener is told of winners by the request's spine rows, those without consent having
    // none.
    List<Boolean> consented =
        spineRows.stream()
            .map(
                row ->
                    referenceConsent.isEmpty()
                        || ReferencePointInTimeJoin.hasConsent(row, referenceConsent.get()))
            .toList();
    List<ReferenceJoinedRow> everyRow = ReferencePointInTimeJoin.join(spineRows, referenceGroups);

    JoinStatistics statistics;
    try (RootAllocator allocator = new RootAllocator();
        ForkJoinPool pool = new ForkJoinPool(join.parallelism())) {
      List<FeatureGroupRequest> requests = new ArrayList<>();
      for (Scenario scenario : scenarios) {
        requests.add(scenario.request(allocator));
      }
      Optional<SpineConsent> consent = join.consent().map(c -> c.request(allocator));
      CollectingSink output = new CollectingSink();
      List<List<String>> winners = new ArrayList<>(Collections.nCopies(scenarios.size(), null));
      try (VectorSchemaRoot spine =
          JoinTestData.spine(allocator, List.copyOf(entities.values()), spineRows)) {
        statistics =
            new PointInTimeJoinEngine(allocator, options, pool)
                .join(
                    new PointInTimeJoinRequest(spine, "spine_time", requests, consent),
                    output,
                    (groupIndex, request, winningRows) ->
                        winners.set(groupIndex, describe(winningRows)));
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
      try (Stream<Path> leftOver = Files.list(spillDirectory)) {
        assertThat(leftOver).isEmpty();
      }
      Files.delete(spillDirectory);

      assertThat(output.rows()).hasSize(expected.size());
      for (int row = 0; row < expected.size(); row++) {
        ReferenceSpineRow spineRow = expected.get(row).spineRow();
        List<Object> expectedValues = new ArrayList<>();
        for (Entity entity : entities.values()) {
          expectedValues.add(spineRow.key(entity.name()));
        }
        expectedValues.add(spineRow.spineTimeMicros());
        for (int g = 0; g < scenarios.size(); g++) {
          Optional<ReferenceFeatureRow> winner = expected.get(row).winners().get(g);
          for (int featureIndex : scenarios.get(g).selectedFeatures()) {
            expectedValues.add(
                winner
                    .map(w -> JoinTestData.normalForm(w.values().get(featureIndex)))
                    .orElse(null));
          }
        }
        assertThat(output.rows().get(row)).as("output row %d", row).isEqualTo(expectedValues);
      }
      for (int g = 0; g < scenarios.size(); g++) {
        List<String> expectedWinners = new ArrayList<>();
        for (int row = 0; row < spineRows.size(); row++) {
          expectedWinners.add(
              consented.get(row) ? describe(everyRow.get(row).winners().get(g)) : "none");
        }
        assertThat(winners.get(g)).isEqualTo(expectedWinners);
      }
    }
    assertThat(statistics.rowsWithoutConsent())
        .isEqualTo(consented.stream().filter(has -> !has).count());
  }

  /**
   * One to three groups over two entities, a spine over the entities they use, and the engine's
   * parallelism, output batch size and, for half the cases, a memory budget of a few kilobytes:
   * spines of more than a few dozen rows then do not fit and the partitioned join runs; smaller
   * ones still join in memory.
   */
  @Provide
  Arbitrary<JoinCase> joinCases() {
    Arbitrary<KeyType> keyTypes = Arbitraries.of(KeyType.class);
    // A list, not a count, of groups: shrinking then drops a group without redrawing the others.
    Arbitrary<List<Scenario>> scenarios =
        Combinators.combine(keyTypes, keyTypes)
            .flatAs(
                (firstKeyType, secondKeyType) ->
                    scenario(
                            Arbitraries.of(
                                new Entity("user_id", firstKeyType, ""),
                                new Entity("product_id", secondKeyType, "")))
                        .list()
                        .ofMinSize(1)
                        .ofMaxSize(3)
                        .map(PointInTimeJoinPropertyTest::numbered));
    Arbitrary<Optional<Long>> memoryBudgets = Arbitraries.longs().between(1, 4096).optional(0.5);
    return scenarios.flatMap(
        groups ->
            Combinators.combine(
                    ReferenceDataGenerator.spine(
                        spineKeys(groups), MAX_SPINE_ROWS, TIME_RANGE_MICROS, 0.2),
                    Arbitraries.integers().between(1, 3),
                    Arbitraries.integers().between(1, 70),
                    memoryBudgets,
                    consentCase(groups).optional(0.5))
                .as(
                    (spine, parallelism, outputBatchRows, budget, consent) ->
                        new JoinCase(
                            groups, spine, parallelism, outputBatchRows, budget, consent)));
  }

  /**
   * Consent for purpose "p" under either policy: events of the first group's entity, and of the
   * other entity for half the cases, over the spine's keys (some never consenting), of purposes "p"
   * and "q", granted or withdrawn or null, with no TTL or one within the time range, as of a
   * sequence up to past the last commit, in shuffled batches.
   */
  private static Arbitrary<ConsentCase> consentCase(List<Scenario> groups) {
    Map<String, Integer> keyCounts = new LinkedHashMap<>();
    Map<String, Entity> entities = entities(groups);
    for (Scenario scenario : groups) {
      keyCounts.putIfAbsent(scenario.group().entity().name(), scenario.keyCount() + 2);
    }
    List<Arbitrary<Optional<ConsentScenario>>> perEntity = new ArrayList<>();
    for (Entity entity : entities.values()) {
      Arbitrary<ConsentScenario> scenario = consentScenario(entity, keyCounts.get(entity.name()));
      perEntity.add(perEntity.isEmpty() ? scenario.map(Optional::of) : scenario.optional(0.5));
    }
    return Combinators.combine(
            Arbitraries.of(ConsentPolicy.class), Combinators.combine(perEntity).as(List::copyOf))
        .as(
            (policy, scenarios) ->
                new ConsentCase(policy, scenarios.stream().flatMap(Optional::stream).toList()));
  }

  private static Arbitrary<ConsentScenario> consentScenario(Entity entity, int keyCount) {
    GroupShape shape =
        new GroupShape(
            generatedKeyType(entity),
            keyCount,
            MAX_COMMITS,
            MAX_ROWS_PER_COMMIT,
            TIME_RANGE_MICROS,
            List.of(),
            0.1);
    Arbitrary<Long> ttls =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0L)),
            Tuple.of(1, Arbitraries.longs().between(1, TIME_RANGE_MICROS)));
    Arbitrary<List<Integer>> batchSizes =
        Arbitraries.integers().between(0, 11).list().ofMinSize(1).ofMaxSize(6);
    Arbitrary<List<Integer>> uploadPositions =
        Arbitraries.integers().between(0, 99).list().ofSize(MAX_COMMITS * MAX_ROWS_PER_COMMIT);
    return Combinators.combine(
            ReferenceDataGenerator.consentRows(shape, List.of("p", "q")),
            ttls,
            Arbitraries.longs().between(0, MAX_COMMITS + 1),
            uploadPositions,
            batchSizes)
        .as(
            (rows, ttlMicros, asOf, positions, sizes) ->
                new ConsentScenario(
                    new FeatureGroup(
                        ConsentRecords.groupNameOf(entity),
                        entity,
                        List.of(
                            FeatureDefinition.scalar(ConsentRecords.PURPOSE, FeatureType.STRING),
                            FeatureDefinition.scalar(ConsentRecords.GRANTED, FeatureType.BOOL)),
                        Duration.ofNanos(ttlMicros * 1000),
                        false,
                        "",
                        1),
                    asOf,
                    rows,
                    batches(inUploadOrder(rows, positions), sizes)));
  }

  /**
   * A group on one of {@code entities}: up to four features of any type (some not selected, the
   * rest in any order), no TTL or one within the time range, an as-of sequence up to past the last
   * commit, and its rows shuffled and cut into batches.
   */
  private static Arbitrary<Scenario> scenario(Arbitrary<Entity> entities) {
    Arbitrary<List<GeneratedValueType>> valueTypes =
        Arbitraries.of(GeneratedValueType.class).list().ofMinSize(1).ofMaxSize(4);
    Arbitrary<Long> ttls =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(0L)),
            Tuple.of(1, Arbitraries.longs().between(1, TIME_RANGE_MICROS)));
    return Combinators.combine(
            entities,
            valueTypes,
            Arbitraries.integers().between(1, 8),
            ttls,
            Arbitraries.longs().between(0, MAX_COMMITS + 1))
        .flatAs(
            (entity, types, keyCount, ttlMicros, asOf) -> {
              GroupShape shape =
                  new GroupShape(
                      generatedKeyType(entity),
                      keyCount,
                      MAX_COMMITS,
                      MAX_ROWS_PER_COMMIT,
                      TIME_RANGE_MICROS,
                      types,
                      0.2);
              FeatureGroup group = featureGroup(entity, types, ttlMicros);
              Arbitrary<List<Integer>> selected =
                  Arbitraries.integers()
                      .between(0, types.size() - 1)
                      .list()
                      .uniqueElements()
                      .ofMaxSize(types.size());
              Arbitrary<List<Integer>> batchSizes =
                  Arbitraries.integers().between(0, 11).list().ofMinSize(1).ofMaxSize(6);
              // Upload positions, not Arbitraries.shuffle(rows): no draw depends on the rows, so
              // rows shrink without redrawing the rest, and the order shrinks to commit order.
              Arbitrary<List<Integer>> uploadPositions =
                  Arbitraries.integers()
                      .between(0, 99)
                      .list()
                      .ofSize(MAX_COMMITS * MAX_ROWS_PER_COMMIT);
              return Combinators.combine(
                      ReferenceDataGenerator.featureRows(shape),
                      uploadPositions,
                      batchSizes,
                      selected)
                  .as(
                      (rows, positions, sizes, selection) ->
                          new Scenario(
                              group,
                              keyCount,
                              asOf,
                              rows,
                              batches(inUploadOrder(rows, positions), sizes),
                              selection));
            });
  }

  private static FeatureGroup featureGroup(
      Entity entity, List<GeneratedValueType> valueTypes, long ttlMicros) {
    List<FeatureDefinition> features = new ArrayList<>();
    for (int f = 0; f < valueTypes.size(); f++) {
      FeatureType type = FeatureType.valueOf(valueTypes.get(f).name());
      String name = "f" + f + "_" + type.name().toLowerCase(Locale.ROOT);
      features.add(
          type == FeatureType.FLOAT32_VECTOR
              ? FeatureDefinition.vector(name, GeneratedValueType.VECTOR_DIMENSION)
              : FeatureDefinition.scalar(name, type));
    }
    return new FeatureGroup(
        "group", entity, features, Duration.ofNanos(ttlMicros * 1000), false, "", 1);
  }

  /** Names the groups group_0, group_1, ...: output columns are named after their group. */
  private static List<Scenario> numbered(List<Scenario> scenarios) {
    List<Scenario> numbered = new ArrayList<>();
    for (int index = 0; index < scenarios.size(); index++) {
      numbered.add(scenarios.get(index).named("group_" + index));
    }
    return numbered;
  }

  /**
   * Cuts {@code rows} into batches of the given sizes, taken in turn; the engine must not rely on
   * any order or batching. A zero makes an empty batch on the first turn and takes the rest after.
   */
  private static List<List<ReferenceFeatureRow>> batches(
      List<ReferenceFeatureRow> rows, List<Integer> sizes) {
    List<List<ReferenceFeatureRow>> batches = new ArrayList<>();
    int start = 0;
    for (int turn = 0; start < rows.size() || batches.isEmpty(); turn++) {
      int size = sizes.get(turn % sizes.size());
      if (size == 0 && turn >= sizes.size()) {
        size = rows.size() - start;
      }
      int end = Math.min(rows.size(), start + size);
      batches.add(rows.subList(start, end));
      start = end;
    }
    return batches;
  }

  /** The rows sorted by their upload positions, ties in commit order. */
  private static List<ReferenceFeatureRow> inUploadOrder(
      List<ReferenceFeatureRow> rows, List<Integer> positions) {
    List<Integer> order = new ArrayList<>(IntStream.range(0, rows.size()).boxed().toList());
    order.sort(Comparator.comparing(positions::get));
    return order.stream().map(rows::get).toList();
  }

  private static Map<String, Entity> entities(List<Scenario> scenarios) {
    Map<String, Entity> entities = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      entities.putIfAbsent(scenario.group().entity().name(), scenario.group().entity());
    }
    return entities;
  }

  /** Spines draw keys from a wider range than the entity's first group, so some keys are absent. */
  private static List<SpineKey> spineKeys(List<Scenario> scenarios) {
    Map<String, SpineKey> spineKeys = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      Entity entity = scenario.group().entity();
      spineKeys.putIfAbsent(
          entity.name(),
          new SpineKey(entity.name(), generatedKeyType(entity), scenario.keyCount() + 2));
    }
    return List.copyOf(spineKeys.values());
  }

  private static GeneratedKeyType generatedKeyType(Entity entity) {
    return GeneratedKeyType.valueOf(entity.keyType().name());
  }

  private static List<String> describe(WinningRows winningRows) {
    List<String> described = new ArrayList<>();
    for (int row = 0; row < winningRows.spineRowCount(); row++) {
      described.add(
          winningRows.hasWinner(row)
              ? winningRows.commitSequence(row) + "/" + winningRows.rowOrdinal(row)
              : "none");
    }
    return described;
  }

  private static String describe(Optional<ReferenceFeatureRow> winner) {
    return winner.map(w -> w.commitSequence() + "/" + w.rowOrdinal()).orElse("none");
  }

  /** The consent a join case requires, for purpose "p": events of one or both entities. */
  private record ConsentCase(ConsentPolicy policy, List<ConsentScenario> groups) {
    ReferenceConsent reference() {
      return new ReferenceConsent(
          "p",
          ReferenceConsent.Policy.valueOf(policy.name()),
          groups.stream().map(ConsentScenario::reference).toList());
    }

    SpineConsent request(RootAllocator allocator) {
      return new SpineConsent(
          "p", policy, groups.stream().map(group -> group.request(allocator)).toList());
    }

    @Override
    public String toString() {
      return "consent " + policy + " " + groups;
    }
  }

  private record ConsentScenario(
      FeatureGroup group,
      long asOfCommitSequence,
      List<ReferenceFeatureRow> rows,
      List<List<ReferenceFeatureRow>> uploadBatches) {
    ReferenceFeatureGroup reference() {
      return new ReferenceFeatureGroup(
          group.entity().name(), group.ttl().toNanos() / 1000, asOfCommitSequence, rows);
    }

    ConsentRecords request(RootAllocator allocator) {
      return new ConsentRecords(
          group, asOfCommitSequence, JoinTestData.source(allocator, group, uploadBatches));
    }

    @Override
    public String toString() {
      return "%s ttl %d, as of %d, rows %s, batch sizes %s"
          .formatted(
              group.name(),
              group.ttl().toNanos() / 1000,
              asOfCommitSequence,
              rows,
              uploadBatches.stream().map(List::size).toList());
    }
  }

  private record JoinCase(
      List<Scenario> scenarios,
      List<ReferenceSpineRow> spineRows,
      int parallelism,
      int outputBatchRows,
      Optional<Long> memoryBudgetBytes,
      Optional<ConsentCase> consent) {
    @Override
    public String toString() {
      StringBuilder shown = new StringBuilder();
      scenarios.forEach(scenario -> shown.append(scenario).append('\n'));
      return shown
          .append("spine: ")
          .append(spineRows)
          .append("\nparallelism ")
          .append(parallelism)
          .append(", output batches of ")
          .append(outputBatchRows)
          .append(", memory budget ")
          .append(memoryBudgetBytes.map(String::valueOf).orElse("none"))
          .append('\n')
          .append(consent.map(String::valueOf).orElse("no purpose"))
          .toString();
    }
  }

  private record Scenario(
      FeatureGroup group,
      int keyCount,
      long asOfCommitSequence,
      List<ReferenceFeatureRow> rows,
      List<List<ReferenceFeatureRow>> uploadBatches,
      List<Integer> selectedFeatures) {

    Scenario named(String name) {
      FeatureGroup renamed =
          new FeatureGroup(
              name,
              group.entity(),
              group.features(),
              group.ttl(),
              group.online(),
              group.description(),
              group.schemaVersion());
      return new Scenario(
          renamed, keyCount, asOfCommitSequence, rows, uploadBatches, selectedFeatures);
    }

    ReferenceFeatureGroup reference() {
      return new ReferenceFeatureGroup(
          group.entity().name(), group.ttl().toNanos() / 1000, asOfCommitSequence, rows);
    }

    FeatureGroupRequest request(RootAllocator allocator) {
      List<FeatureSelection> selections = new ArrayList<>();
      for (int featureIndex : selectedFeatures) {
        String featureName = group.features().get(featureIndex).name();
        selections.add(new FeatureSelection(featureName, group.name() + "__" + featureName));
      }
      return new FeatureGroupRequest(
          group,
          asOfCommitSequence,
          selections,
          JoinTestData.source(allocator, group, uploadBatches));
    }

    @Override
    public String toString() {
      return "%s on %s (%s), ttl %d, as of %d, features %s, selected %s, rows %s, batch sizes %s"
          .formatted(
              group.name(),
              group.entity().name(),
              group.entity().keyType(),
              group.ttl().toNanos() / 1000,
              asOfCommitSequence,
              group.features().stream().map(FeatureDefinition::type).toList(),
              selectedFeatures,
              rows,
              uploadBatches.stream().map(List::size).toList());
    }
  }
}
