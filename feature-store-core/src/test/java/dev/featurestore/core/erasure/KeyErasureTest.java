package dev.featurestore.core.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.CommitKind;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryErasureLedger;
import dev.featurestore.core.testing.InMemoryLineageStore;
import dev.featurestore.core.testing.InMemoryModels;
import dev.featurestore.core.testing.InMemoryObjectStore;
import dev.featurestore.core.testing.InMemoryTrainingSetCatalog;
import dev.featurestore.core.testing.InMemoryUploads;
import dev.featurestore.core.testing.KeyLinesObjectRewriter;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.Upload;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The erasure use case against in-memory fakes of every port it uses. */
class KeyErasureTest {
  private static final String GROUP = "clicks";
  private static final UUID OWNER = UUID.randomUUID();

  private final InMemoryCatalog catalog = new InMemoryCatalog();
  private final InMemoryObjectStore objects = new InMemoryObjectStore();
  private final InMemoryErasureLedger ledger = new InMemoryErasureLedger();
  private final InMemoryTrainingSetCatalog trainingSets =
      new InMemoryTrainingSetCatalog(Clock.systemUTC());
  private final InMemoryUploads uploads = new InMemoryUploads(Clock.systemUTC());
  private final InMemoryLineageStore lineage = new InMemoryLineageStore();
  private final KeyLinesObjectRewriter rewriter = new KeyLinesObjectRewriter(objects);
  private final InMemoryModels models = new InMemoryModels();
  private final KeyErasure erasure =
      KeyErasure.over(
          ledger,
          catalog,
          trainingSets,
          uploads,
          lineage,
          models,
          rewriter,
          objects,
          PublishedTables.NONE);
  private Entity user;

  @BeforeEach
  void defineGroup() {
    user = catalog.createEntity(new Entity("user_id", KeyType.STRING, ""));
    catalog.createFeatureGroup(
        new FeatureGroup(
            GROUP,
            user,
            List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)),
            Duration.ZERO,
            false,
            "",
            1));
  }

  @Test
  void removesTheKeysFromEveryFileUploadAndTrainingSetOutput() throws Exception {
    append("u1", "u2");
    append("u3");
    append("u1");
    Upload upload = upload("u1", "u4");
    TrainingSet trainingSet = trainingSetOutput("u1", "u2", "u3");
    lineage.record(trainingSet.id(), "user_id", Map.of(KeyUse.SPINE, Set.of("u1")));
    models.add(
        new Model("churn", "1", "", List.of(trainingSet.id()), Optional.of(OWNER), Instant.now()));

    ErasureReceipt receipt = erase("u1");

    assertThat(rowsOfGroup()).containsExactlyInAnyOrder("u2", "u3");
    assertThat(rewriter.rows(uploads.find(upload.id()).orElseThrow().objectKey()))
        .containsExactly("u4");
    assertThat(
            rewriter.rows(
                trainingSets.find(trainingSet.id()).orElseThrow().outputObjectKey().orElseThrow()))
        .containsExactly("u2", "u3");
    assertThat(trainingSets.find(trainingSet.id()).orElseThrow().rowsErased()).isEqualTo(1);
    assertThat(receipt.filesRewritten()).isEqualTo(4);
    assertThat(receipt.rowsRemoved()).isEqualTo(4);
    assertThat(receipt.trainingSetsAffected()).containsExactly(trainingSet.id());
    assertThat(receipt.modelsToRetrain())
        .containsExactly(new ErasureReceipt.ModelVersion("churn", "1"));
    assertThat(receipt.completedAt()).isPresent();
    assertThat(erasureCommits()).singleElement().extracting(Commit::rows).isEqualTo(2L);
    assertThat(lineage.forgotten("user_id", "u1")).isTrue();
    assertThat(everyObjectReferenced()).isTrue();
  }

  @Test
  void anErasureOfKeysNoObjectHoldsCommitsNothing() throws Exception {
    append("u1", "u2");
    List<String> objectsBefore = objects.keys();

    ErasureReceipt receipt = erase("nobody");

    assertThat(receipt.completedAt()).isPresent();
    assertThat(receipt.filesRewritten()).isZero();
    assertThat(receipt.rowsRemoved()).isZero();
    assertThat(catalog.commits(GROUP)).extracting(Commit::kind).containsExactly(CommitKind.APPEND);
    assertThat(objects.keys()).isEqualTo(objectsBefore);
  }

  @Test
  void aDamagedObjectIsNamedInTheReceiptAndEveryOtherLosesTheKey() throws Exception {
    DataFile damaged = append(KeyLinesObjectRewriter.DAMAGED, "u1");
    append("u1", "u2");

    ErasureReceipt receipt = erase("u1");

    assertThat(receipt.completedAt()).isPresent();
    assertThat(receipt.unreadableObjects())
        .singleElement()
        .satisfies(
            unreadable -> {
              assertThat(unreadable.heldBy()).isEqualTo(ErasureReceipt.Holder.FEATURE_FILE);
              assertThat(unreadable.id()).isEqualTo(damaged.id());
              assertThat(unreadable.objectKey()).isEqualTo(damaged.objectKey());
            });
    assertThat(rowsOfGroup()).containsExactlyInAnyOrder(KeyLinesObjectRewriter.DAMAGED, "u1", "u2");
    assertThat(rewriter.rows(damaged.objectKey()))
        .containsExactly(KeyLinesObjectRewriter.DAMAGED, "u1");
    assertThat(receipt.filesRewritten()).isEqualTo(1);
  }

  @Test
  void aRunCutShortAfterACommitIsFinishedByTheNextCountingEveryStepOnce() throws Exception {
    append("u1", "u2");
    append("u1", "u3");
    append("u1");
    UUID id = record("u1");
    // The first rewrite commits, but the run never learns it (the connection broke).
    catalog.failNextCommitAfterApplying(unknownOutcome());
    DataFile first = catalog.retainedDataFiles(GROUP).get(0);

    assertThatThrownBy(() -> erasure.erase(id, "compliance", done -> {}))
        .isInstanceOf(CommitStateUnknownException.class);
    assertThat(ledger.stepInDoubt(id)).isPresent();

    ErasureReceipt receipt = erasure.erase(id, "compliance", done -> {});

    assertThat(receipt.filesRewritten()).isEqualTo(3);
    assertThat(receipt.rowsRemoved()).isEqualTo(3);
    assertThat(ledger.stepInDoubt(id)).isEmpty();
    assertThat(rowsOfGroup()).containsExactlyInAnyOrder("u2", "u3");
    assertThat(erasureCommits()).singleElement().extracting(Commit::rows).isEqualTo(3L);
    assertThat(objects.keys()).doesNotContain(first.objectKey());
    assertThat(everyObjectReferenced()).isTrue();
  }

  @Test
  void anUnknownCommitOutcomeDeletesNothingAndTheNextRunFinishes() throws Exception {
    DataFile file = append("u1", "u2");
    UUID id = record("u1");
    // The commit did not happen, but the run cannot know that.
    catalog.failNextCommit(unknownOutcome());

    assertThatThrownBy(() -> erasure.erase(id, "compliance", done -> {}))
        .isInstanceOf(CommitStateUnknownException.class);
    RewriteStep inDoubt = ledger.stepInDoubt(id).orElseThrow();
    assertThat(objects.keys()).contains(file.objectKey(), inDoubt.newObjectKey().orElseThrow());

    ErasureReceipt receipt = erasure.erase(id, "compliance", done -> {});

    assertThat(receipt.filesRewritten()).isEqualTo(1);
    assertThat(receipt.rowsRemoved()).isEqualTo(1);
    assertThat(rowsOfGroup()).containsExactly("u2");
    // The first run's rewrite, never committed, is left for the orphan janitor.
    assertThat(objects.keys()).contains(inDoubt.newObjectKey().get());
    assertThat(catalog.referencesObject(inDoubt.newObjectKey().get())).isFalse();
  }

  @Test
  void aFailedCommitDeletesItsRewriteAndTheNextRunFinishes() throws Exception {
    DataFile file = append("u1", "u2");
    UUID id = record("u1");
    catalog.failNextCommit(new IllegalStateException("the catalog refused the statement"));
    List<String> objectsBefore = objects.keys();

    assertThatThrownBy(() -> erasure.erase(id, "compliance", done -> {}))
        .isInstanceOf(IllegalStateException.class);
    assertThat(objects.keys()).isEqualTo(objectsBefore);
    assertThat(ledger.stepInDoubt(id)).isEmpty();

    ErasureReceipt receipt = erasure.erase(id, "compliance", done -> {});

    assertThat(receipt.filesRewritten()).isEqualTo(1);
    assertThat(rowsOfGroup()).containsExactly("u2");
    assertThat(objects.keys()).doesNotContain(file.objectKey());
  }

  @Test
  void aFileLeftWithoutRowsIsVisibleToNoVersion() throws Exception {
    DataFile file = append("u1");
    append("u2");

    ErasureReceipt receipt = erase("u1");

    assertThat(receipt.filesRewritten()).isEqualTo(1);
    assertThat(catalog.retainedDataFiles(GROUP)).extracting(DataFile::id).doesNotContain(file.id());
    assertThat(rowsOfGroup()).containsExactly("u2");
  }

  private ErasureReceipt erase(String... keys) throws IOException {
    return erasure.erase(record(keys), "compliance", done -> {});
  }

  private UUID record(String... keys) {
    UUID id = UUID.randomUUID();
    ledger.create(id, user.name(), List.of(keys), "test", "compliance");
    return id;
  }

  private DataFile append(String... keys) throws IOException {
    return rewriter.append(catalog, GROUP, List.of(keys));
  }

  private Upload upload(String... keys) throws IOException {
    UUID id = UUID.randomUUID();
    NewDataFile stored = rewriter.store(ObjectLayout.upload(id), List.of(keys));
    return uploads.create(
        id,
        stored.objectKey(),
        "text/plain",
        stored.byteSize(),
        stored.rowCount(),
        List.of(new Upload.Column("user_id", FeatureType.STRING)),
        "scientist",
        OWNER);
  }

  private TrainingSet trainingSetOutput(String... keys) throws IOException {
    UUID id = UUID.randomUUID();
    NewDataFile output = rewriter.store(ObjectLayout.trainingSetOutput(id), List.of(keys));
    trainingSets.create(id, "churn_training", "{}", Map.of(GROUP, 1L), OWNER);
    trainingSets.markRunning(id);
    return trainingSets.complete(
        id, output.objectKey(), output.contentHash(), output.rowCount(), 0, List.of(), Map.of());
  }

  private List<String> rowsOfGroup() throws IOException {
    List<String> rows = new ArrayList<>();
    for (DataFile file : catalog.dataFiles(GROUP, catalog.latestSequence(GROUP))) {
      rows.addAll(rewriter.rows(file.objectKey()));
    }
    return rows;
  }

  private List<Commit> erasureCommits() {
    return catalog.commits(GROUP).stream().filter(c -> c.kind() == CommitKind.ERASURE).toList();
  }

  /** Every feature-group object is one the catalog references (nothing replaced is left). */
  private boolean everyObjectReferenced() {
    return objects.keys().stream()
        .filter(key -> key.startsWith(ObjectLayout.FEATURE_GROUPS))
        .allMatch(catalog::referencesObject);
  }

  private static CommitStateUnknownException unknownOutcome() {
    return new CommitStateUnknownException("the connection broke during COMMIT", null);
  }
}
