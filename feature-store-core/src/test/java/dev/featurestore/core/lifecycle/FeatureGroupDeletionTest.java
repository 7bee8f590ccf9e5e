package dev.featurestore.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.catalog.ArchivedGroupException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.catalog.PendingCompaction;
import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryGroupDeletionLedger;
import dev.featurestore.core.testing.InMemoryModels;
import dev.featurestore.core.testing.InMemoryObjectStore;
import dev.featurestore.core.testing.InMemoryTrainingSetCatalog;
import dev.featurestore.core.testing.KeyLinesObjectRewriter;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetInput;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Archiving and deleting a group against in-memory fakes of every port they use. */
class FeatureGroupDeletionTest {
  private static final String GROUP = "clicks";
  private static final UUID OWNER = UUID.randomUUID();

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryObjectStore objects = new InMemoryObjectStore();
  private final KeyLinesObjectRewriter files = new KeyLinesObjectRewriter(objects);
  private final InMemoryTrainingSetCatalog trainingSets =
      new InMemoryTrainingSetCatalog(Clock.systemUTC());
  private final InMemoryModels models = new InMemoryModels();
  private final InMemoryGroupDeletionLedger ledger =
      new InMemoryGroupDeletionLedger(Clock.systemUTC());
  private final FeatureGroupDeletion deletion =
      new FeatureGroupDeletion(catalog, ledger, trainingSets, models, objects);
  private Entity user;

  @BeforeEach
  void defineGroup() {
    user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    define(GROUP);
  }

  @Test
  void refusesWhileTrainingSetsOrModelsDependOnTheGroupAndNamesThem() throws IOException {
    DataFile file = append("u1");
    TrainingSet trainingSet = trainingSetReading(file);
    models.add(model("churn", "3", trainingSet));

    assertThatThrownBy(
            () -> deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID()))
        .isInstanceOfSatisfying(
            GroupInUseException.class,
            refused -> {
              assertThat(refused.dependents().trainingSets())
                  .containsExactly(
                      new GroupDependents.TrainingSetName(trainingSet.id(), "churn_training"));
              assertThat(refused.dependents().models())
                  .containsExactly(new ModelVersion("churn", "3"));
            });
    // Nothing changed: the group still takes commits.
    append("u2");
    assertThat(catalog.featureGroups()).extracting(FeatureGroup::name).containsExactly(GROUP);
  }

  @Test
  void forcedDeletionRemovesEveryObjectOfEveryVersionAndNamesWhatToRebuild() throws IOException {
    DataFile first = append("u1");
    DataFile second = append("u2");
    compact(first, second);
    TrainingSet trainingSet = trainingSetReading(first);
    models.add(model("churn", "1", trainingSet));
    define("other");
    NewDataFile otherFile = files.store(ObjectLayout.newFeatureGroupFile("other"), List.of("u9"));

    GroupDeletion requested =
        deletion.request(GROUP, DependentsPolicy.DELETE_ANYWAY, "admin", UUID.randomUUID());
    GroupDeletionReceipt receipt = deletion.delete(requested.id(), done -> {});

    // The two appended files, replaced by the compaction, and its rewrite.
    assertThat(receipt.objectsDeleted()).isEqualTo(3);
    assertThat(objects.keys()).containsExactly(otherFile.objectKey());
    assertThat(receipt.trainingSetsToRebuild())
        .containsExactly(new GroupDependents.TrainingSetName(trainingSet.id(), "churn_training"));
    assertThat(receipt.modelsToRetrain()).containsExactly(new ModelVersion("churn", "1"));
    assertThat(receipt.completedAt()).isPresent();
    assertThat(catalog.featureGroup(GROUP)).isEmpty();
    assertThat(catalog.referencesObject(first.objectKey())).isFalse();
  }

  @Test
  void aGroupBeingDeletedTakesNoCommitsAndIsNoLongerOnline() throws IOException {
    catalog.markOnline(GROUP, true);
    deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID());

    assertThatThrownBy(this::appendOne)
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is being deleted");
    assertThat(catalog.featureGroup(GROUP).orElseThrow().online()).isFalse();
    assertThat(catalog.featureGroups()).isEmpty();
  }

  @Test
  void askingTwiceAnswersTheDeletionAlreadyUnderWay() {
    GroupDeletion first =
        deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID());
    GroupDeletion second =
        deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID());

    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.jobId()).isEqualTo(first.jobId());
  }

  @Test
  void aRunCutShortByTheObjectStoreIsFinishedByTheNextCountingEachObjectOnce() throws IOException {
    append("u1");
    append("u2");
    append("u3");
    GroupDeletion requested =
        deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID());

    // The store fails the second delete: one object is gone, two are left.
    assertThatThrownBy(
            () ->
                deletion.delete(
                    requested.id(),
                    done -> objects.failNextDelete(new ObjectStoreUnavailableException("down"))))
        .isInstanceOf(ObjectStoreUnavailableException.class);
    assertThat(objects.keys()).hasSize(2);
    assertThat(catalog.featureGroup(GROUP)).isPresent();
    assertThat(ledger.find(requested.id()).orElseThrow().receipt().completedAt()).isEmpty();

    GroupDeletionReceipt receipt = deletion.delete(requested.id(), done -> {});

    assertThat(receipt.objectsDeleted()).isEqualTo(3);
    assertThat(receipt.completedAt()).isPresent();
    assertThat(objects.keys()).isEmpty();
    assertThat(catalog.featureGroup(GROUP)).isEmpty();
  }

  @Test
  void aRunAfterTheCatalogCompletedListsNothingSoANewGroupOfTheNameKeepsItsFiles()
      throws IOException {
    append("u1");
    GroupDeletion requested =
        deletion.request(GROUP, DependentsPolicy.REFUSE, "admin", UUID.randomUUID());
    deletion.delete(requested.id(), done -> {});
    define(GROUP);
    DataFile reused = append("u2");

    // As if the ledger's completion had been lost: the run is repeated.
    GroupDeletionReceipt receipt = deletion.delete(requested.id(), done -> {});

    assertThat(receipt.objectsDeleted()).isEqualTo(1);
    assertThat(objects.keys()).containsExactly(reused.objectKey());
  }

  @Test
  void anArchivedGroupRefusesCommitsAndCompactionsUntilUnarchived() throws IOException {
    DataFile first = append("u1");
    DataFile second = append("u2");
    catalog.archive(GROUP);

    assertThatThrownBy(this::appendOne)
        .isInstanceOfSatisfying(
            ArchivedGroupException.class,
            refused -> assertThat(refused.featureGroup()).isEqualTo(GROUP));
    assertThatThrownBy(() -> compact(first, second)).isInstanceOf(ArchivedGroupException.class);
    assertThat(catalog.archivedGroups()).containsOnlyKeys(GROUP);
    assertThat(catalog.dataFiles(GROUP, catalog.latestSequence(GROUP))).hasSize(2);

    catalog.unarchive(GROUP);

    appendOne();
    assertThat(catalog.archivedGroups()).isEmpty();
  }

  private void define(String name) {
    catalog.createFeatureGroup(
        new FeatureGroup(
            name,
            user,
            List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
            Duration.ZERO,
            false,
            "",
            1));
  }

  private void appendOne() throws IOException {
    append("u0");
  }

  private DataFile append(String... keys) throws IOException {
    return files.append(catalog, GROUP, List.of(keys));
  }

  private void compact(DataFile... replaced) throws IOException {
    List<String> keys = new ArrayList<>();
    List<UUID> ids = new ArrayList<>();
    for (DataFile file : replaced) {
      keys.addAll(files.rows(file.objectKey()));
      ids.add(file.id());
    }
    NewDataFile rewrite = files.store(ObjectLayout.newFeatureGroupFile(GROUP), keys);
    catalog.compact(new PendingCompaction(GROUP, 1, ids, List.of(rewrite), "test"));
  }

  private TrainingSet trainingSetReading(DataFile file) {
    UUID id = UUID.randomUUID();
    trainingSets.create(id, "churn_training", "{}", Map.of(GROUP, 1L), OWNER);
    trainingSets.markRunning(id);
    return trainingSets.complete(
        id,
        ObjectLayout.trainingSetOutput(id),
        "hash",
        1,
        0,
        List.of(new TrainingSetInput(GROUP, file.id(), file.contentHash())),
        Map.of());
  }

  private static Model model(String name, String version, TrainingSet trainingSet) {
    return new Model(
        name, version, "", List.of(trainingSet.id()), Optional.of(OWNER), Instant.now());
  }
}
