package dev.featurestore.core.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.jobs.JobCancelledException;
import dev.featurestore.core.jobs.JobMonitor;
import dev.featurestore.core.join.ConsentPolicy;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.testing.InMemoryCatalog;
import dev.featurestore.core.testing.InMemoryFeatureGroupVersions;
import dev.featurestore.core.testing.InMemoryFeatureGroupVersions.Row;
import dev.featurestore.core.testing.InMemoryLineageStore;
import dev.featurestore.core.testing.InMemoryTrainingSetCatalog;
import dev.featurestore.core.testing.InMemoryTrainingSetOutputs;
import dev.featurestore.core.testing.InMemoryUploads;
import dev.featurestore.core.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Planning and materialisation of training sets against in-memory fakes of every port. */
class TrainingSetBuilderTest {
  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
  private static final Instant EVENT_TIME = START.plus(Duration.ofDays(1));
  private static final Instant SPINE_TIME = START.plus(Duration.ofDays(9));
  private static final Entity USER = new Entity("user_id", KeyType.STRING, "");

  private final MutableClock clock = new MutableClock(START);
  private final InMemoryCatalog catalog = new InMemoryCatalog(clock);
  private final InMemoryTrainingSetCatalog trainingSets = new InMemoryTrainingSetCatalog(clock);
  private final InMemoryTrainingSetOutputs outputs = new InMemoryTrainingSetOutputs();
  private final InMemoryLineageStore lineage = new InMemoryLineageStore();
  private final ApiKey scientist =
      new ApiKey(UUID.randomUUID(), "scientist", Role.DATA_SCIENTIST, START, Optional.empty());
  private BufferAllocator allocator;
  private InMemoryFeatureGroupVersions versions;
  private TrainingSetBuilder builder;

  @BeforeEach
  void createGroups() {
    allocator = new RootAllocator();
    versions = new InMemoryFeatureGroupVersions(catalog, allocator);
    builder =
        new TrainingSetBuilder(
            catalog,
            trainingSets,
            new InMemoryUploads(clock),
            versions,
            (upload, entities, spineAllocator) -> {
              throw new AssertionError("no test here reads an uploaded spine");
            },
            outputs,
            allocator,
            new PointInTimeJoinEngine(allocator, JoinOptions.DEFAULT, ForkJoinPool.commonPool()),
            lineage);
    catalog.createEntity(USER);
    catalog.createFeatureGroup(
        group(
            "activity",
            FeatureDefinition.scalar("clicks", FeatureType.INT64),
            FeatureDefinition.scalar("country", FeatureType.STRING)));
    catalog.createFeatureGroup(
        group(
            "profile",
            FeatureDefinition.scalar("age", FeatureType.INT64),
            FeatureDefinition.scalar("country", FeatureType.STRING)));
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void wildcardSelectsEveryFeatureOfTheGroupInDefinitionOrder() throws IOException {
    append("activity", activity("u1", 7L, "NL"));

    TrainingSet built = build(request(List.of("u1"), Optional.empty(), "activity:*"));

    assertThat(output(built))
        .containsExactly(
            Map.of(
                "user_id",
                "u1",
                "event_time",
                EpochMicros.of(SPINE_TIME),
                "clicks",
                7L,
                "country",
                "NL"));
    assertThat(output(built).getFirst().keySet())
        .containsExactly("user_id", "event_time", "clicks", "country");
  }

  @Test
  void featuresReadAreClassifiedAsTheirOwnClassElseTheirGroupsAndUnknownOnesLeftOut() {
    FeatureGroup profile = catalog.featureGroup("profile").orElseThrow();
    catalog.describeFeatureGroup(
        profile.classifiedAs(Classification.PII, Map.of("country", Classification.PUBLIC)));

    List<ClassifiedFeature> read =
        builder.featuresRead(
            List.of(
                FeatureReference.parse("features[0]", "profile:*", Optional.empty()),
                FeatureReference.parse("features[1]", "activity:clicks", Optional.empty()),
                FeatureReference.parse("features[2]", "profile:age", Optional.of("age_again")),
                FeatureReference.parse("features[3]", "nowhere:clicks", Optional.empty()),
                FeatureReference.parse("features[4]", "activity:nothing", Optional.empty())));

    assertThat(read)
        .containsExactly(
            new ClassifiedFeature("profile", "age", Classification.PII),
            new ClassifiedFeature("profile", "country", Classification.PUBLIC),
            new ClassifiedFeature("activity", "clicks", Classification.INTERNAL));
  }

  @Test
  void aliasNamesTheOutputColumnSoThatTwoGroupsMayShareAFeatureName() throws IOException {
    append("activity", activity("u1", 7L, "NL"));
    append("profile", new Row("u1", EVENT_TIME, Map.of("age", 41L, "country", "BE")));

    TrainingSet built =
        build(
            request(
                List.of("u1"),
                Optional.empty(),
                aliased("activity:country", "activity_country"),
                "profile:country"));

    assertThat(output(built).getFirst())
        .containsEntry("activity_country", "NL")
        .containsEntry("country", "BE");
  }

  @Test
  void sameOutputNameTwiceIsRefusedAskingForAnAliasAndNothingIsRecorded() {
    assertThatThrownBy(
            () ->
                builder.prepare(
                    request(List.of("u1"), Optional.empty(), "activity:country", "profile:*"),
                    scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> {
              FieldError error = e.errors().getFirst();
              assertThat(error.field()).isEqualTo("features[1]");
              assertThat(error.message()).contains("'country'", "give one an alias");
            });
    assertThat(trainingSets.list(TrainingSetListQuery.newest(10))).isEmpty();
  }

  @Test
  void unknownFeatureIsRefusedNamingTheFeatureAndItsPlaceInTheRequest() {
    assertThatThrownBy(
            () ->
                builder.prepare(
                    request(List.of("u1"), Optional.empty(), "activity:clicks", "activity:likes"),
                    scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError(
                            "features[1]",
                            "feature group 'activity' has no feature 'likes';"
                                + " its features: clicks, country")));
    assertThat(trainingSets.list(TrainingSetListQuery.newest(10))).isEmpty();
  }

  @Test
  void unknownFeatureGroupIsRefusedByName() {
    assertThatThrownBy(
            () ->
                builder.prepare(
                    request(List.of("u1"), Optional.empty(), "sessions:length"), scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError("features[0]", "feature group 'sessions' does not exist")));
  }

  @Test
  void asOfACommitIdReadsTheGroupAsThatCommitLeftIt() throws IOException {
    Commit first = append("activity", activity("u1", 1L, "NL"));
    append("activity", activity("u1", 2L, "NL"));

    TrainingSet built =
        build(request(List.of("u1"), Optional.of(first.id().toString()), "activity:clicks"));

    assertThat(built.catalogVersion()).isEqualTo(Map.of("activity", first.sequence()));
    assertThat(output(built).getFirst()).containsEntry("clicks", 1L);
    assertThat(built.inputs()).isEqualTo(inputsOf("activity", first.sequence()));
  }

  @Test
  void asOfAnInstantReadsTheLatestCommitWrittenAtOrBeforeIt() throws IOException {
    Commit first = append("activity", activity("u1", 1L, "NL"));
    Commit second = append("activity", activity("u1", 2L, "NL"));
    Instant between = first.writeTime().plusMillis(1);
    assertThat(between).isBefore(second.writeTime());

    TrainingSet built =
        build(request(List.of("u1"), Optional.of(between.toString()), "activity:clicks"));

    assertThat(built.catalogVersion()).isEqualTo(Map.of("activity", first.sequence()));
    assertThat(output(built).getFirst()).containsEntry("clicks", 1L);
  }

  @Test
  void asOfThatIsNeitherACommitNorAnInstantIsRefused() {
    assertThatThrownBy(
            () ->
                builder.prepare(
                    request(List.of("u1"), Optional.of("yesterday"), "activity:clicks"), scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors().getFirst().field()).isEqualTo("asOf"));
    assertThat(trainingSets.list(TrainingSetListQuery.newest(10))).isEmpty();
  }

  @Test
  void asOfAnUnknownCommitIsRefused() {
    UUID unknown = UUID.randomUUID();
    assertThatThrownBy(
            () ->
                builder.prepare(
                    request(List.of("u1"), Optional.of(unknown.toString()), "activity:clicks"),
                    scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(new FieldError("asOf", "no commit has id " + unknown)));
  }

  @Test
  void materialisationRecordsTheFilesReadAndTheKeysUsed() throws IOException {
    append("activity", activity("u1", 1L, "NL"));
    append("activity", activity("u2", 2L, "BE"));

    // u3 has no feature row: it is a spine key, not a feature key.
    TrainingSet built = build(request(List.of("u1", "u2", "u3"), Optional.empty(), "activity:*"));

    assertThat(built.status()).isEqualTo(TrainingSetStatus.READY);
    assertThat(built.rows()).isEqualTo(3);
    assertThat(built.inputs()).containsExactlyInAnyOrderElementsOf(inputsOf("activity", 2));
    assertThat(built.inputs()).hasSize(2);
    assertThat(lineage.keysOf(built.id()))
        .isEqualTo(
            Map.of(
                "user_id",
                Map.of(
                    KeyUse.SPINE, Set.of("u1", "u2", "u3"), KeyUse.FEATURES, Set.of("u1", "u2"))));
    assertThat(outputs.stored(built.outputObjectKey().orElseThrow())).isPresent();
  }

  @Test
  void cancelledBuildStoresNothingRecordsNoLineageAndFails() {
    append("activity", activity("u1", 1L, "NL"));
    TrainingSetBuilder.PreparedTrainingSet prepared =
        builder.prepare(request(List.of("u1"), Optional.empty(), "activity:*"), scientist);
    JobMonitor cancelled =
        new JobMonitor() {
          @Override
          public void progress(long done, long total) {}

          @Override
          public void checkNotCancelled() {
            throw new JobCancelledException("cancelled by the test");
          }
        };

    assertThatThrownBy(() -> builder.materialize(prepared, cancelled))
        .isInstanceOf(JobCancelledException.class);

    TrainingSet failed = trainingSets.find(prepared.trainingSet().id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(outputs.isEmpty()).isTrue();
    assertThat(lineage.keysOf(failed.id())).isEmpty();
  }

  @Test
  void spineFromAFeatureGroupIsReadAsOfTheVersionBoundWhenPlanned() throws IOException {
    append("activity", activity("u1", 1L, "NL"));
    Commit labels = append("profile", new Row("u1", SPINE_TIME, Map.of("age", 41L)));
    TrainingSetBuilder.PreparedTrainingSet prepared =
        builder.prepare(
            new TrainingSetRequest(
                "labels",
                Optional.empty(),
                Optional.of("profile"),
                Optional.empty(),
                List.of(FeatureReference.parse("features[0]", "activity:clicks", Optional.empty())),
                Optional.empty(),
                "{}"),
            scientist);
    // Committed after the request was planned: not part of the training set.
    append("profile", new Row("u2", SPINE_TIME, Map.of("age", 35L)));

    TrainingSet built = builder.materialize(prepared).trainingSet();

    assertThat(built.catalogVersion())
        .isEqualTo(Map.of("activity", 1L, "profile", labels.sequence()));
    assertThat(output(built)).extracting(row -> row.get("user_id")).containsExactly("u1");
    assertThat(output(built).getFirst()).containsEntry("age", 41L).containsEntry("clicks", 1L);
  }

  @Test
  void aPurposeLeavesOutTheKeysWithoutConsentAndTheirLineage() throws IOException {
    createConsentGroup();
    append("activity", activity("u1", 1L, "NL"), activity("u2", 2L, "BE"));
    append(
        "user_id_consent",
        consent("u1", "marketing", true),
        consent("u2", "marketing", false),
        consent("u3", "analytics", true));

    TrainingSet built =
        build(
            withPurpose(
                request(List.of("u1", "u2", "u3"), Optional.empty(), "activity:clicks"),
                ConsentPolicy.EXCLUDE));

    assertThat(output(built)).extracting(row -> row.get("user_id")).containsExactly("u1");
    assertThat(built.rows()).isEqualTo(1);
    assertThat(built.rowsWithoutConsent()).isEqualTo(2);
    assertThat(built.catalogVersion()).containsEntry("user_id_consent", 1L);
    assertThat(built.inputs()).containsAll(inputsOf("user_id_consent", 1));
    assertThat(lineage.keysOf(built.id()))
        .isEqualTo(
            Map.of("user_id", Map.of(KeyUse.SPINE, Set.of("u1"), KeyUse.FEATURES, Set.of("u1"))));
  }

  @Test
  void nullFeaturesKeepsTheSpineKeyButRecordsNoFeatureUse() throws IOException {
    createConsentGroup();
    append("activity", activity("u1", 1L, "NL"), activity("u2", 2L, "BE"));
    append("user_id_consent", consent("u1", "marketing", true));

    TrainingSet built =
        build(
            withPurpose(
                request(List.of("u1", "u2"), Optional.empty(), "activity:clicks"),
                ConsentPolicy.NULL_FEATURES));

    assertThat(output(built)).extracting(row -> row.get("clicks")).containsExactly(1L, null);
    assertThat(built.rowsWithoutConsent()).isEqualTo(1);
    assertThat(lineage.keysOf(built.id()))
        .isEqualTo(
            Map.of(
                "user_id",
                Map.of(KeyUse.SPINE, Set.of("u1", "u2"), KeyUse.FEATURES, Set.of("u1"))));
  }

  @Test
  void aPurposeWithoutAConsentGroupIsRefusedNamingThePurpose() {
    assertThatThrownBy(
            () ->
                builder.prepare(
                    withPurpose(
                        request(List.of("u1"), Optional.empty(), "activity:clicks"),
                        ConsentPolicy.EXCLUDE),
                    scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> {
              assertThat(e.errors()).extracting(FieldError::field).containsExactly("purpose");
              assertThat(e.getMessage()).contains("user_id_consent");
            });
    assertThat(trainingSets.list(TrainingSetListQuery.newest(10))).isEmpty();
  }

  @Test
  void aConsentGroupOfTheWrongShapeIsRefusedNamingThePurpose() {
    catalog.createFeatureGroup(
        group("user_id_consent", FeatureDefinition.scalar("granted", FeatureType.BOOL)));

    assertThatThrownBy(
            () ->
                builder.prepare(
                    withPurpose(
                        request(List.of("u1"), Optional.empty(), "activity:clicks"),
                        ConsentPolicy.EXCLUDE),
                    scientist))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.errors()).extracting(FieldError::field).containsExactly("purpose"));
  }

  private void createConsentGroup() {
    catalog.createFeatureGroup(
        group(
            "user_id_consent",
            FeatureDefinition.scalar("purpose", FeatureType.STRING),
            FeatureDefinition.scalar("granted", FeatureType.BOOL)));
  }

  /** A consent event taking effect at {@link #EVENT_TIME}, before the spine time. */
  private static Row consent(String key, String purpose, boolean granted) {
    return new Row(key, EVENT_TIME, Map.of("purpose", purpose, "granted", granted));
  }

  private static TrainingSetRequest withPurpose(TrainingSetRequest request, ConsentPolicy policy) {
    return new TrainingSetRequest(
        request.name(),
        request.inlineSpine(),
        request.spineFeatureGroup(),
        request.spineUpload(),
        request.features(),
        request.asOf(),
        Optional.of("marketing"),
        policy,
        request.retention(),
        request.engine(),
        request.requestJson());
  }

  private TrainingSet build(TrainingSetRequest request) throws IOException {
    return builder.materialize(builder.prepare(request, scientist)).trainingSet();
  }

  private List<Map<String, Object>> output(TrainingSet built) {
    return outputs.stored(built.outputObjectKey().orElseThrow()).orElseThrow();
  }

  private List<TrainingSetInput> inputsOf(String group, long sequence) {
    List<TrainingSetInput> inputs = new ArrayList<>();
    for (DataFile file : catalog.dataFiles(group, sequence)) {
      inputs.add(new TrainingSetInput(group, file.id(), file.contentHash()));
    }
    return inputs;
  }

  /** Commits the rows as one file, a minute after the previous commit. */
  private Commit append(String group, Row... rows) {
    clock.advance(Duration.ofMinutes(1));
    return versions.append(group, List.of(rows));
  }

  private static Row activity(String key, long clicks, String country) {
    return new Row(key, EVENT_TIME, Map.of("clicks", clicks, "country", country));
  }

  private static FeatureGroup group(String name, FeatureDefinition... features) {
    return new FeatureGroup(name, USER, List.of(features), Duration.ZERO, false, "", 1);
  }

  private static FeatureReference aliased(String feature, String alias) {
    return FeatureReference.parse("features", feature, Optional.of(alias));
  }

  /** An inline spine of the keys, all at {@link #SPINE_TIME}; features as text or references. */
  private static TrainingSetRequest request(
      List<String> spineKeys, Optional<String> asOf, Object... features) {
    List<Map<String, Object>> spine = new ArrayList<>();
    for (String key : spineKeys) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("user_id", key);
      row.put(SpineSource.SPINE_TIME, SPINE_TIME.toString());
      spine.add(row);
    }
    List<FeatureReference> references = new ArrayList<>();
    for (Object feature : features) {
      references.add(
          feature instanceof FeatureReference reference
              ? reference
              : FeatureReference.parse("features", (String) feature, Optional.empty()));
    }
    return new TrainingSetRequest(
        "clicks_by_user",
        Optional.of(new InlineSpine(spine)),
        Optional.empty(),
        Optional.empty(),
        references,
        asOf,
        "{}");
  }
}
