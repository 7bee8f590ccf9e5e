package dev.featurestore.core.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.lineage.LineageQueries.CommitReference;
import dev.featurestore.core.lineage.LineageQueries.GroupUse;
import dev.featurestore.core.lineage.LineageQueries.ModelReference;
import dev.featurestore.core.lineage.LineageQueries.TrainingSetUse;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryFeatureGroupVersions;
import dev.featurestore.core.testing.InMemoryFeatureGroupVersions.Row;
import dev.featurestore.core.testing.InMemoryLineageStore;
import dev.featurestore.core.testing.InMemoryModels;
import dev.featurestore.core.testing.InMemoryTrainingSetCatalog;
import dev.featurestore.core.testing.MutableClock;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetInput;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lineage answers over in-memory fakes: a scientist's training set {@code mine} read the first two
 * commits of {@code activity} and used u1 as spine and feature key; a colleague's {@code theirs}
 * used u1 as spine key only. A model is registered on each.
 */
class LineageQueriesTest {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static final Entity USER = new Entity("user_id", KeyType.STRING, "");

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryCatalog catalog = new InMemoryCatalog(clock);
  private final InMemoryTrainingSetCatalog trainingSets = new InMemoryTrainingSetCatalog(clock);
  private final InMemoryModels models = new InMemoryModels();
  private final InMemoryLineageStore lineage = new InMemoryLineageStore();
  private final ApiKey scientist = key("scientist", Role.DATA_SCIENTIST);
  private final ApiKey colleague = key("colleague", Role.DATA_SCIENTIST);
  private BufferAllocator allocator;
  private LineageQueries queries;
  private List<Commit> commits;
  private TrainingSet mine;
  private TrainingSet theirs;

  @BeforeEach
  void recordTrainingSetsAndModels() {
    allocator = new RootAllocator();
    InMemoryFeatureGroupVersions versions = new InMemoryFeatureGroupVersions(catalog, allocator);
    queries = new LineageQueries(catalog, trainingSets, models, lineage, versions);
    catalog.createEntity(USER);
    catalog.createFeatureGroup(
        new FeatureGroup(
            "activity",
            USER,
            List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
            Duration.ZERO,
            false,
            "",
            1));
    commits = new ArrayList<>();
    for (String key : List.of("u1", "u2", "u1")) {
      clock.advance(Duration.ofMinutes(1));
      commits.add(versions.append("activity", List.of(new Row(key, START, Map.of("clicks", 1L)))));
    }
    mine = readyTrainingSet("mine", scientist, 2);
    lineage.record(
        mine.id(), "user_id", Map.of(KeyUse.SPINE, Set.of("u1"), KeyUse.FEATURES, Set.of("u1")));
    theirs = readyTrainingSet("theirs", colleague, 3);
    lineage.record(theirs.id(), "user_id", Map.of(KeyUse.SPINE, Set.of("u1", "u2")));
    models.add(model("churn", mine, scientist));
    models.add(model("upsell", theirs, colleague));
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void keyLineageNamesTheCommitsHoldingItsRowsAndEveryTrainingSetAndModelThatUsedIt()
      throws IOException {
    LineageQueries.KeyLineage answer = queries.forKey(USER, "u1");

    assertThat(answer.featureGroups())
        .containsExactly(
            new GroupUse(
                "activity", List.of(reference(commits.get(0)), reference(commits.get(2)))));
    assertThat(answer.trainingSets())
        .containsExactlyInAnyOrder(
            new TrainingSetUse(
                mine.id(), "mine", EnumSet.of(KeyUse.SPINE, KeyUse.FEATURES), Optional.empty()),
            new TrainingSetUse(theirs.id(), "theirs", EnumSet.of(KeyUse.SPINE), Optional.empty()));
    assertThat(answer.models())
        .containsExactlyInAnyOrder(
            new ModelReference("churn", "1"), new ModelReference("upsell", "1"));
  }

  @Test
  void aKeyNoTrainingSetUsedHasOnlyItsCommits() throws IOException {
    LineageQueries.KeyLineage answer = queries.forKey(USER, "u3");

    assertThat(answer.featureGroups()).isEmpty();
    assertThat(answer.trainingSets()).isEmpty();
    assertThat(answer.models()).isEmpty();
  }

  @Test
  void modelLineageNamesItsTrainingSetsAndTheCommitsThatAddedTheFilesTheyRead() {
    LineageQueries.ModelLineage answer = queries.forModel("churn", "1", scientist);

    assertThat(answer.trainingSets())
        .containsExactly(
            new LineageQueries.TrainingSetReference(
                mine.id(), "mine", Map.of("activity", 2L), Optional.empty()));
    assertThat(answer.featureGroups())
        .containsExactly(
            new GroupUse(
                "activity", List.of(reference(commits.get(0)), reference(commits.get(1)))));
  }

  @Test
  void anotherKeysModelIsNotFound() {
    assertThatThrownBy(() -> queries.forModel("upsell", "1", scientist))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void groupLineageShowsOnlyTheTrainingSetsAndModelsTheViewerMaySee() {
    LineageQueries.GroupLineage answer = queries.forGroup("activity", scientist);

    assertThat(answer.trainingSets())
        .extracting(LineageQueries.TrainingSetReference::id)
        .containsExactly(mine.id());
    assertThat(answer.models()).containsExactly(new ModelReference("churn", "1"));
    assertThat(queries.forGroup("activity", key("officer", Role.COMPLIANCE)).trainingSets())
        .hasSize(2);
  }

  @Test
  void lineageOfAnUnknownGroupIsNotFound() {
    assertThatThrownBy(() -> queries.forGroup("sessions", scientist))
        .isInstanceOf(NotFoundException.class);
  }

  /** A READY training set of {@code owner} that read the group as of {@code sequence}. */
  private TrainingSet readyTrainingSet(String name, ApiKey owner, long sequence) {
    UUID id = UUID.randomUUID();
    trainingSets.create(id, name, "{}", Map.of("activity", sequence), owner.id());
    trainingSets.markRunning(id);
    List<TrainingSetInput> inputs = new ArrayList<>();
    for (DataFile file : catalog.dataFiles("activity", sequence)) {
      inputs.add(new TrainingSetInput("activity", file.id(), file.contentHash()));
    }
    return trainingSets.complete(id, "outputs/" + id, "hash", 1, 0, inputs, Map.of());
  }

  private static Model model(String name, TrainingSet trainedOn, ApiKey owner) {
    return new Model(name, "1", "", List.of(trainedOn.id()), Optional.of(owner.id()), START);
  }

  private static CommitReference reference(Commit commit) {
    return new CommitReference(commit.id(), commit.sequence());
  }

  private static ApiKey key(String name, Role role) {
    return new ApiKey(UUID.randomUUID(), name, role, START, Optional.empty());
  }
}
