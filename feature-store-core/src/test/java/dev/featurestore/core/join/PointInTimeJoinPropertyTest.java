package dev.featurestore.core.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.testing.GeneratedKeyType;
import dev.featurestore.testing.GeneratedValueType;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The engine gives the reference join's answer on random groups, spines, batchings and threads, in
 * memory and, with a budget of a few kilobytes, partitioned and spilled to disk.
 */
class PointInTimeJoinPropertyTest {
  private static final long TIME_RANGE_MICROS = 40;

  @Property(tries = 1500)
  void engineAgreesWithReferenceJoin(@ForAll long seed) throws IOException {
    Random random = new Random(seed);
    ReferenceDataGenerator generator = new ReferenceDataGenerator(seed);
    List<Scenario> scenarios = new ArrayList<>();
    Entity firstEntity = entity("user_id", random);
    Entity secondEntity = entity("product_id", random);
    int groupCount = 1 + random.nextInt(3);
    for (int g = 0; g < groupCount; g++) {
      Entity entity = g == 0 || random.nextBoolean() ? firstEntity : secondEntity;
      scenarios.add(scenario(g, entity, random, generator));
    }
    Map<String, Entity> entities = new LinkedHashMap<>();
    Map<String, SpineKey> spineKeys = new LinkedHashMap<>();
    for (Scenario scenario : scenarios) {
      Entity entity = scenario.group().entity();
      entities.putIfAbsent(entity.name(), entity);
      // Spines draw keys from a wider range than groups, so some keys are absent.
      spineKeys.putIfAbsent(
          entity.name(),
          new SpineKey(entity.name(), generatedKeyType(entity), scenario.shape().keyCount() + 2));
    }
    List<ReferenceSpineRow> spineRows =
        generator.spine(
            List.copyOf(spineKeys.values()), random.nextInt(60), TIME_RANGE_MICROS, 0.2);
    Path spillDirectory = Files.createTempDirectory("join-property-");
    JoinOptions options =
        new JoinOptions(1 + random.nextInt(3), 1 + random.nextInt(70))
            .withSpillDirectory(spillDirectory);
    if (random.nextBoolean()) {
      // A few kilobytes: spines of more than a few dozen rows then do not fit and the partitioned
      // join runs; smaller ones still join in memory.
      options = options.withMemoryBudget(1 + random.nextInt(4096));
    }

    List<ReferenceJoinedRow> expected =
        ReferencePointInTimeJoin.join(
            spineRows, scenarios.stream().map(Scenario::reference).toList());

    try (RootAllocator allocator = new RootAllocator()) {
      List<FeatureGroupRequest> requests = new ArrayList<>();
      for (Scenario scenario : scenarios) {
        requests.add(scenario.request(allocator, random));
      }
      CollectingSink output = new CollectingSink();
      List<List<String>> winners = new ArrayList<>(Collections.nCopies(scenarios.size(), null));
      try (VectorSchemaRoot spine =
          JoinTestData.spine(allocator, List.copyOf(entities.values()), spineRows)) {
        new PointInTimeJoinEngine(allocator, options)
            .join(
                new PointInTimeJoinRequest(spine, "spine_time", requests),
                output,
                (groupIndex, request, winningRows) ->
                    winners.set(groupIndex, describe(winningRows)));
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
      try (Stream<Path> leftOver = Files.list(spillDirectory)) {
        assertThat(leftOver).isEmpty();
      }
      Files.delete(spillDirectory);

      assertThat(output.rows()).hasSize(spineRows.size());
      for (int row = 0; row < spineRows.size(); row++) {
        List<Object> expectedValues = new ArrayList<>();
        for (Entity entity : entities.values()) {
          expectedValues.add(spineRows.get(row).key(entity.name()));
        }
        expectedValues.add(spineRows.get(row).spineTimeMicros());
        for (int g = 0; g < scenarios.size(); g++) {
          Optional<ReferenceFeatureRow> winner = expected.get(row).winners().get(g);
          for (int featureIndex : scenarios.get(g).selectedFeatures()) {
            expectedValues.add(
                winner
                    .map(w -> JoinTestData.normalForm(w.values().get(featureIndex)))
                    .orElse(null));
          }
        }
        assertThat(output.rows().get(row)).as("spine row %d", row).isEqualTo(expectedValues);
      }
      for (int g = 0; g < scenarios.size(); g++) {
        int groupIndex = g;
        assertThat(winners.get(g))
            .isEqualTo(
                expected.stream()
                    .map(joined -> describe(joined.winners().get(groupIndex)))
                    .toList());
      }
    }
  }

  private static Scenario scenario(
      int index, Entity entity, Random random, ReferenceDataGenerator generator) {
    List<GeneratedValueType> valueTypes = new ArrayList<>();
    int featureCount = 1 + random.nextInt(4);
    for (int f = 0; f < featureCount; f++) {
      valueTypes.add(
          GeneratedValueType.values()[random.nextInt(GeneratedValueType.values().length)]);
    }
    GroupShape shape =
        new GroupShape(
            generatedKeyType(entity),
            1 + random.nextInt(8),
            random.nextInt(5),
            random.nextInt(14),
            TIME_RANGE_MICROS,
            valueTypes,
            0.2);
    List<FeatureDefinition> features = new ArrayList<>();
    for (int f = 0; f < featureCount; f++) {
      FeatureType type = FeatureType.valueOf(valueTypes.get(f).name());
      String name = "f" + f + "_" + type.name().toLowerCase(java.util.Locale.ROOT);
      features.add(
          type == FeatureType.FLOAT32_VECTOR
              ? FeatureDefinition.vector(name, GeneratedValueType.VECTOR_DIMENSION)
              : FeatureDefinition.scalar(name, type));
    }
    long ttlMicros = random.nextBoolean() ? 0 : 1 + random.nextInt((int) TIME_RANGE_MICROS);
    FeatureGroup group =
        new FeatureGroup(
            "group_" + index, entity, features, Duration.ofNanos(ttlMicros * 1000), false, "", 1);
    List<Integer> selected = new ArrayList<>();
    for (int f = 0; f < featureCount; f++) {
      if (random.nextInt(4) != 0) {
        selected.add(f);
      }
    }
    Collections.shuffle(selected, random);
    long asOf = random.nextInt(shape.commitCount() + 2);
    List<ReferenceFeatureRow> rows = generator.featureRows(shape);
    return new Scenario(group, shape, asOf, rows, selected);
  }

  private static Entity entity(String name, Random random) {
    return new Entity(name, random.nextBoolean() ? KeyType.INT64 : KeyType.STRING, "");
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

  private record Scenario(
      FeatureGroup group,
      GroupShape shape,
      long asOfCommitSequence,
      List<ReferenceFeatureRow> rows,
      List<Integer> selectedFeatures) {

    ReferenceFeatureGroup reference() {
      return new ReferenceFeatureGroup(
          group.entity().name(), group.ttl().toNanos() / 1000, asOfCommitSequence, rows);
    }

    /** The rows shuffled and cut into random batches: the engine must not rely on any order. */
    FeatureGroupRequest request(RootAllocator allocator, Random random) {
      List<ReferenceFeatureRow> shuffled = new ArrayList<>(rows);
      Collections.shuffle(shuffled, random);
      List<List<ReferenceFeatureRow>> batches = new ArrayList<>();
      int start = 0;
      while (start < shuffled.size() || batches.isEmpty()) {
        int end = Math.min(shuffled.size(), start + random.nextInt(12));
        batches.add(shuffled.subList(start, end));
        start = end;
      }
      List<FeatureSelection> selections = new ArrayList<>();
      for (int featureIndex : selectedFeatures) {
        String featureName = group.features().get(featureIndex).name();
        selections.add(new FeatureSelection(featureName, group.name() + "__" + featureName));
      }
      return new FeatureGroupRequest(
          group, asOfCommitSequence, selections, JoinTestData.source(allocator, group, batches));
    }
  }
}
