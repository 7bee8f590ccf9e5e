package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.ExpiredVersionException;
import dev.featurestore.core.jobs.JobCancelledException;
import dev.featurestore.core.jobs.JobMonitor;
import dev.featurestore.core.join.ConsentRecords;
import dev.featurestore.core.join.DistinctKeys;
import dev.featurestore.core.join.ExternalJoinEngine;
import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.join.JoinOutputSink;
import dev.featurestore.core.join.JoinStatistics;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.join.PointInTimeJoinRequest;
import dev.featurestore.core.join.SpineConsent;
import dev.featurestore.core.join.StoredRowSource;
import dev.featurestore.core.join.WinningRowsListener;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageStore;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.NameSuggestions;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.read.FeatureGroupVersion;
import dev.featurestore.core.read.FeatureGroupVersions;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.ClassifiedFeature;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Plans and materialises training sets: binds the request to a catalog version, loads the spine,
 * runs the point-in-time join over exactly the files visible at that version, has the output
 * written and stored ({@link TrainingSetOutputs}), records the keys used ({@link LineageStore}) and
 * records inputs, output hash and timings in the training-set catalog.
 *
 * <p>{@link #prepare} does every check that can fail on the request (unknown group or feature, name
 * clash, bad {@code asOf}) before anything is recorded; {@link #materialize} does the work.
 */
public final class TrainingSetBuilder {
  private final Catalog catalog;
  private final TrainingSetCatalog trainingSets;
  private final Uploads uploads;
  private final FeatureGroupVersions versions;
  private final SpineUploadReader spineUploads;
  private final TrainingSetOutputs outputs;
  private final BufferAllocator allocator;
  private final PointInTimeJoinEngine joinEngine;
  private final LineageStore lineage;
  private final Optional<ExternalJoinEngine> sparkJoin;

  /** A builder whose training sets are all joined by this server. */
  public TrainingSetBuilder(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Uploads uploads,
      FeatureGroupVersions versions,
      SpineUploadReader spineUploads,
      TrainingSetOutputs outputs,
      BufferAllocator allocator,
      PointInTimeJoinEngine joinEngine,
      LineageStore lineage) {
    this(
        catalog,
        trainingSets,
        uploads,
        versions,
        spineUploads,
        outputs,
        allocator,
        joinEngine,
        lineage,
        Optional.empty());
  }

  /**
   * A builder that joins a request naming {@code "engine": "spark"} with {@code sparkJoin}, when
   * one is configured.
   */
  public TrainingSetBuilder(
      Catalog catalog,
      TrainingSetCatalog trainingSets,
      Uploads uploads,
      FeatureGroupVersions versions,
      SpineUploadReader spineUploads,
      TrainingSetOutputs outputs,
      BufferAllocator allocator,
      PointInTimeJoinEngine joinEngine,
      LineageStore lineage,
      Optional<ExternalJoinEngine> sparkJoin) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.trainingSets = requireNonNull(trainingSets, "trainingSets is null");
    this.uploads = requireNonNull(uploads, "uploads is null");
    this.versions = requireNonNull(versions, "versions is null");
    this.spineUploads = requireNonNull(spineUploads, "spineUploads is null");
    this.outputs = requireNonNull(outputs, "outputs is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.joinEngine = requireNonNull(joinEngine, "joinEngine is null");
    this.lineage = requireNonNull(lineage, "lineage is null");
    this.sparkJoin = requireNonNull(sparkJoin, "sparkJoin is null");
  }

  /** One requested group: which features, under which output names. */
  private record GroupSelection(FeatureGroup group, List<FeatureSelection> features) {}

  /** The groups to join, and the output feature columns in request order. */
  private record Resolution(List<GroupSelection> groups, List<String> featureColumns) {}

  /**
   * A validated request bound to its catalog version, recorded as PENDING; with the upload it names
   * as spine, if any.
   */
  public record PreparedTrainingSet(
      TrainingSet trainingSet,
      TrainingSetRequest request,
      Map<String, Long> catalogVersion,
      Optional<Upload> spineUpload,
      long spineRowHint) {}

  /**
   * Checks the request, binds it to a catalog version and records it as PENDING, owned by the
   * requester. An uploaded spine must be one the requester may see: another key's upload is refused
   * exactly as one that does not exist.
   */
  public PreparedTrainingSet prepare(TrainingSetRequest request, ApiKey requester) {
    requireEngineAvailable(request);
    List<GroupSelection> selections = resolveFeatures(request).groups();
    Map<String, Long> catalogVersion = new LinkedHashMap<>();
    for (GroupSelection selection : selections) {
      String name = selection.group().name();
      catalogVersion.put(name, sequenceAsOf(name, request.asOf()));
    }
    request
        .spineFeatureGroup()
        .ifPresent(
            group -> {
              if (catalog.featureGroup(group).isEmpty()) {
                throw unknownGroup("spine.featureGroup", group);
              }
              catalogVersion.putIfAbsent(group, sequenceAsOf(group, request.asOf()));
            });
    if (request.purpose().isPresent()) {
      List<String> consentGroups = consentGroupNames(entities(selections));
      if (consentGroups.isEmpty()) {
        throw new InvalidInputException(
            "purpose",
            "no entity of this training set has consent records: a purpose needs a feature group"
                + " named <entity>_consent with the features purpose (STRING) and granted (BOOL),"
                + " e.g. "
                + ConsentRecords.groupNameOf(entities(selections).get(0)));
      }
      consentGroups.forEach(
          group -> catalogVersion.putIfAbsent(group, sequenceAsOf(group, request.asOf())));
    }
    long spineRowHint = request.inlineSpine().map(spine -> (long) spine.rows().size()).orElse(-1L);
    Optional<Upload> spineUpload = request.spineUpload().map(id -> visibleUpload(id, requester));
    if (spineUpload.isPresent()) {
      spineUpload.get().requireKeyColumns(entities(selections), UploadedSpine.FIELD);
      spineRowHint = spineUpload.get().rows();
    }
    TrainingSet recorded =
        trainingSets.create(
            UUID.randomUUID(),
            request.name(),
            request.requestJson(),
            catalogVersion,
            requester.id(),
            request.retention());
    return new PreparedTrainingSet(recorded, request, catalogVersion, spineUpload, spineRowHint);
  }

  /**
   * The features {@code references} read values of, each once, with the class that decides who may
   * read them: checked against the requester's grants before a build is recorded, and again before
   * a download. Groups and features that do not exist are left out; {@link #prepare} refuses them.
   */
  public List<ClassifiedFeature> featuresRead(List<FeatureReference> references) {
    Map<String, Optional<FeatureGroup>> groups = new HashMap<>();
    Set<ClassifiedFeature> read = new LinkedHashSet<>();
    for (FeatureReference reference : references) {
      Optional<FeatureGroup> group =
          groups.computeIfAbsent(reference.group(), catalog::featureGroup);
      if (group.isEmpty()) {
        continue;
      }
      for (FeatureDefinition feature : group.get().features()) {
        if (reference.isAllFeatures() || feature.name().equals(reference.feature())) {
          read.add(
              new ClassifiedFeature(
                  group.get().name(), feature.name(), group.get().classificationOf(feature)));
        }
      }
    }
    return List.copyOf(read);
  }

  /**
   * A training set as built, with what its join spilled to disk (not recorded in the catalog: a
   * figure for the caller's metrics).
   */
  public record Built(TrainingSet trainingSet, long spilledBytes) {}

  /**
   * Runs the join while the caller waits; see {@link #materialize(PreparedTrainingSet,
   * JobMonitor)}.
   */
  public Built materialize(PreparedTrainingSet prepared) throws IOException {
    return materialize(prepared, JobMonitor.UNWATCHED);
  }

  /**
   * Runs the join and stores the output; marks the training set READY, or FAILED and rethrows
   * whatever failed, an Error too (out of memory after it was recorded READY must not leave a READY
   * set behind a request that failed, nor one stuck RUNNING). Progress counts rows: every
   * feature-group row read plus every output row written, of all the groups' visible rows plus the
   * spine's. The monitor is asked whether to stop after every batch read or written and before the
   * output is stored; a cancelled build stores nothing and leaves the training set FAILED.
   *
   * @throws JobCancelledException when the monitor says the job was cancelled
   */
  public Built materialize(PreparedTrainingSet prepared, JobMonitor monitor) throws IOException {
    UUID id = prepared.trainingSet().id();
    trainingSets.markRunning(id);
    try {
      monitor.checkNotCancelled();
      return run(prepared, monitor);
    } catch (Throwable e) {
      // An Error too (OutOfMemoryError): the training set must not stay RUNNING.
      trainingSets.fail(id, e.getClass().getSimpleName() + ": " + e.getMessage());
      throw e;
    }
  }

  private Built run(PreparedTrainingSet prepared, JobMonitor monitor) throws IOException {
    TrainingSetRequest request = prepared.request();
    Map<String, Long> timings = new LinkedHashMap<>();
    long started = System.nanoTime();
    Resolution resolution = resolveFeatures(request);
    List<GroupSelection> selections = resolution.groups();
    List<FeatureGroupRequest> groupRequests = new ArrayList<>();
    List<FeatureGroupVersion> groupVersions = new ArrayList<>();
    List<TrainingSetInput> inputs = new ArrayList<>();
    List<Entity> entities = entities(selections);
    RowProgress progress = new RowProgress(monitor);
    boolean onSpark = request.engine() == TrainingSetEngine.SPARK;
    for (GroupSelection selection : selections) {
      FeatureGroup group = selection.group();
      long sequence = prepared.catalogVersion().get(group.name());
      FeatureGroupVersion version = readableVersion(group, sequence);
      addInputs(inputs, group.name(), version);
      groupVersions.add(version);
      StoredRowSource rows =
          version.rowsInAnyOrder(
              selection.features().stream().map(FeatureSelection::featureName).toList());
      groupRequests.add(
          new FeatureGroupRequest(group, sequence, selection.features(), progress.counting(rows)));
      if (!onSpark) {
        // Spark reads the groups' rows itself: only the output rows count as progress then.
        progress.addToTotal(version.rowCount());
      }
    }
    List<FeatureGroupVersion> consentVersions = new ArrayList<>();
    Optional<SpineConsent> consent =
        request.purpose().isEmpty()
            ? Optional.empty()
            : Optional.of(
                new SpineConsent(
                    request.purpose().get(),
                    request.consentPolicy(),
                    consentRecords(
                        entities, prepared.catalogVersion(), inputs, progress, consentVersions)));
    if (!onSpark) {
      consentVersions.forEach(version -> progress.addToTotal(version.rowCount()));
    }
    SpineSource spineSource = spineSource(prepared, inputs);
    UUID id = prepared.trainingSet().id();
    KeysUsed keysUsed = new KeysUsed();
    try (VectorSchemaRoot spine = spineSource.load(allocator, entities);
        TrainingSetOutputs.Output output = outputs.open(id, request.name())) {
      timings.put("spineMillis", millisSince(started));
      progress.addToTotal(spine.getRowCount());
      long joinStarted = System.nanoTime();
      List<String> columns = new ArrayList<>();
      spine.getSchema().getFields().forEach(field -> columns.add(field.getName()));
      columns.addAll(resolution.featureColumns());
      PointInTimeJoinRequest joinRequest =
          new PointInTimeJoinRequest(spine, SpineSource.SPINE_TIME, groupRequests, consent);
      JoinOutputSink sink =
          keysUsed.spineKeyCollector(entities, new RequestOrderSink(output, columns, progress));
      JoinStatistics join =
          onSpark
              ? sparkJoin
                  .orElseThrow()
                  .join(
                      joinRequest,
                      groupVersions,
                      consentVersions,
                      sink,
                      keysUsed.featureKeyCollector(spine))
              : joinEngine.join(joinRequest, sink, keysUsed.featureKeyCollector(spine));
      TrainingSetOutputs.Written written = output.finish();
      timings.put("joinAndWriteMillis", millisSince(joinStarted));
      long uploadStarted = System.nanoTime();
      String objectKey = ObjectLayout.trainingSetOutput(id);
      // The last point to stop: after it the output is stored and recorded as READY.
      monitor.checkNotCancelled();
      output.store(objectKey);
      timings.put("uploadMillis", millisSince(uploadStarted));
      long lineageStarted = System.nanoTime();
      keysUsed.record(lineage, id);
      timings.put("lineageMillis", millisSince(lineageStarted));
      timings.put("totalMillis", millisSince(started));
      TrainingSet ready =
          trainingSets.complete(
              id,
              objectKey,
              written.sha256(),
              written.rowCount(),
              join.rowsWithoutConsent(),
              inputs,
              timings);
      return new Built(ready, join.spilledBytes());
    }
  }

  private void requireEngineAvailable(TrainingSetRequest request) {
    if (request.engine() != TrainingSetEngine.SPARK) {
      return;
    }
    if (sparkJoin.isEmpty()) {
      throw new InvalidInputException(
          "engine",
          "this server has no Spark Connect server configured"
              + " (feature-store.spark.connect-url); leave engine out to join here");
    }
  }

  private Upload visibleUpload(UUID id, ApiKey requester) {
    return uploads
        .find(id)
        .filter(requester::maySee)
        .orElseThrow(
            () -> new InvalidInputException(UploadedSpine.FIELD, "no upload has id " + id));
  }

  /** The key columns a spine needs: one per entity of the requested groups, in request order. */
  private static List<Entity> entities(List<GroupSelection> selections) {
    List<Entity> entities = new ArrayList<>();
    for (GroupSelection selection : selections) {
      if (!entities.contains(selection.group().entity())) {
        entities.add(selection.group().entity());
      }
    }
    return entities;
  }

  /** The consent groups of the entities that have one, checked to hold consent events. */
  private List<String> consentGroupNames(List<Entity> entities) {
    List<String> names = new ArrayList<>();
    for (Entity entity : entities) {
      String name = ConsentRecords.groupNameOf(entity);
      Optional<FeatureGroup> group = catalog.featureGroup(name);
      if (group.isPresent() && group.get().entity().equals(entity)) {
        ConsentRecords.requireShape("purpose", group.get());
        names.add(name);
      }
    }
    return names;
  }

  /**
   * The consent events of each entity that had a consent group when the request was bound, as of
   * that version, whose files count as inputs like a feature group's and are added to {@code
   * versions}; their rows count as progress as they are read.
   */
  private List<ConsentRecords> consentRecords(
      List<Entity> entities,
      Map<String, Long> catalogVersion,
      List<TrainingSetInput> inputs,
      RowProgress progress,
      List<FeatureGroupVersion> versions) {
    List<ConsentRecords> records = new ArrayList<>();
    for (Entity entity : entities) {
      String name = ConsentRecords.groupNameOf(entity);
      Optional<FeatureGroup> group = catalog.featureGroup(name);
      if (!catalogVersion.containsKey(name) || group.isEmpty()) {
        continue;
      }
      long sequence = catalogVersion.get(name);
      FeatureGroupVersion version = readableVersion(group.get(), sequence);
      addInputs(inputs, name, version);
      versions.add(version);
      StoredRowSource rows =
          version.rowsInAnyOrder(List.of(ConsentRecords.PURPOSE, ConsentRecords.GRANTED));
      records.add(new ConsentRecords(group.get(), sequence, progress.counting(rows)));
    }
    return records;
  }

  /** Adds a version's files to the inputs, once each: a group may be read for several reasons. */
  private static void addInputs(
      List<TrainingSetInput> inputs, String groupName, FeatureGroupVersion version) {
    for (DataFile file : version.files()) {
      TrainingSetInput input = new TrainingSetInput(groupName, file.id(), file.contentHash());
      if (!inputs.contains(input)) {
        inputs.add(input);
      }
    }
  }

  private SpineSource spineSource(PreparedTrainingSet prepared, List<TrainingSetInput> inputs) {
    TrainingSetRequest request = prepared.request();
    if (request.inlineSpine().isPresent()) {
      return request.inlineSpine().get();
    }
    if (prepared.spineUpload().isPresent()) {
      return new UploadedSpine(prepared.spineUpload().get(), spineUploads);
    }
    String groupName = request.spineFeatureGroup().orElseThrow();
    FeatureGroup group = catalog.featureGroup(groupName).orElseThrow();
    FeatureGroupVersion version = readableVersion(group, prepared.catalogVersion().get(groupName));
    addInputs(inputs, groupName, version);
    return new FeatureGroupSpine(version);
  }

  /** Checks every feature reference and gives output names; clashes need an alias. */
  private Resolution resolveFeatures(TrainingSetRequest request) {
    Map<String, List<FeatureSelection>> byGroup = new LinkedHashMap<>();
    List<String> featureColumns = new ArrayList<>();
    Map<String, FeatureGroup> groups = new HashMap<>();
    Map<String, String> outputColumns = new HashMap<>();
    for (int i = 0; i < request.features().size(); i++) {
      FeatureReference reference = request.features().get(i);
      String field = "features[" + i + "]";
      FeatureGroup group =
          groups.computeIfAbsent(
              reference.group(),
              name -> catalog.featureGroup(name).orElseThrow(() -> unknownGroup(field, name)));
      List<String> names = new ArrayList<>();
      if (reference.isAllFeatures()) {
        group.features().forEach(feature -> names.add(feature.name()));
      } else {
        FeatureDefinition feature =
            group
                .feature(reference.feature())
                .orElseThrow(
                    () ->
                        new InvalidInputException(
                            field, NameSuggestions.unknownFeature(group, reference.feature())));
        names.add(feature.name());
      }
      for (String name : names) {
        String outputColumn = reference.alias().orElse(name);
        String clash = outputColumns.putIfAbsent(outputColumn, group.name() + ":" + name);
        if (clash != null) {
          throw new InvalidInputException(
              field,
              "output column '"
                  + outputColumn
                  + "' is also "
                  + clash
                  + "; give one an alias, e.g. {\"feature\":\""
                  + group.name()
                  + ":"
                  + name
                  + "\",\"as\":\""
                  + group.name()
                  + "__"
                  + name
                  + "\"}");
        }
        featureColumns.add(outputColumn);
        try {
          byGroup
              .computeIfAbsent(group.name(), g -> new ArrayList<>())
              .add(new FeatureSelection(name, outputColumn));
        } catch (InvalidInputException e) {
          throw new InvalidInputException(field + ".as", e.errors().get(0).message());
        }
      }
    }
    List<GroupSelection> selections = new ArrayList<>();
    byGroup.forEach(
        (name, features) -> selections.add(new GroupSelection(groups.get(name), features)));
    return new Resolution(selections, featureColumns);
  }

  private InvalidInputException unknownGroup(String field, String name) {
    List<String> known = catalog.featureGroups().stream().map(FeatureGroup::name).toList();
    return new InvalidInputException(field, NameSuggestions.unknownGroup(name, known));
  }

  /** The sequence each group is read as of: latest, a commit's write time, or a write time. */
  private long sequenceAsOf(String groupName, Optional<String> asOf) {
    if (asOf.isEmpty()) {
      return catalog.latestSequence(groupName);
    }
    long sequence = catalog.sequenceAt(groupName, asOfInstant(asOf.get()));
    requireReadable(groupName, sequence);
    return sequence;
  }

  /**
   * The group at a bound version, checked again when the build starts: the version may have expired
   * while the job waited.
   */
  private FeatureGroupVersion readableVersion(FeatureGroup group, long sequence) {
    requireReadable(group.name(), sequence);
    return versions.at(group, sequence);
  }

  private void requireReadable(String groupName, long sequence) {
    long oldestReadable = catalog.oldestReadableSequence(groupName);
    if (sequence < oldestReadable) {
      throw new ExpiredVersionException(groupName, sequence, oldestReadable);
    }
  }

  private Instant asOfInstant(String asOf) {
    try {
      UUID commitId = UUID.fromString(asOf);
      return catalog
          .findCommit(commitId)
          .map(Commit::writeTime)
          .orElseThrow(() -> new InvalidInputException("asOf", "no commit has id " + asOf));
    } catch (IllegalArgumentException notAUuid) {
      try {
        return EpochMicros.requireInRange("asOf", OffsetDateTime.parse(asOf).toInstant());
      } catch (DateTimeParseException e) {
        throw new InvalidInputException(
            "asOf", "'" + asOf + "' is neither a commit id nor an ISO-8601 instant with a zone");
      }
    }
  }

  /**
   * The keys a training set used, per entity, as spine rows and as join winners: collected as
   * {@link DistinctKeys}, spelt once at the end.
   */
  private static final class KeysUsed {
    private final Map<String, DistinctKeys> spineKeys = new HashMap<>();
    private final Map<String, DistinctKeys> featureKeys = new HashMap<>();

    /**
     * A winner of group G for spine row i has the spine row's key: collect those keys. Groups may
     * report at once, from several threads: each collects on its own, then adds under the lock.
     */
    WinningRowsListener featureKeyCollector(VectorSchemaRoot spine) {
      return (groupIndex, request, winners) -> {
        Entity entity = request.group().entity();
        FieldVector keys = spine.getVector(entity.name());
        DistinctKeys used = new DistinctKeys();
        for (int row = 0; row < winners.spineRowCount(); row++) {
          if (winners.hasWinner(row)) {
            used.add(keys, row, entity.keyType());
          }
        }
        synchronized (featureKeys) {
          featureKeys.computeIfAbsent(entity.name(), e -> new DistinctKeys()).addAll(used);
        }
      };
    }

    /**
     * Collects the spine keys of the output's rows on their way to {@code output}: a spine row left
     * out for want of consent is not in the output, so its key was not used as spine.
     */
    JoinOutputSink spineKeyCollector(List<Entity> entities, JoinOutputSink output) {
      return new JoinOutputSink() {
        @Override
        public void begin(Schema schema) throws IOException {
          output.begin(schema);
        }

        @Override
        public void accept(VectorSchemaRoot batch) throws IOException {
          for (Entity entity : entities) {
            FieldVector keys = batch.getVector(entity.name());
            DistinctKeys used = spineKeys.computeIfAbsent(entity.name(), e -> new DistinctKeys());
            for (int row = 0; row < batch.getRowCount(); row++) {
              used.add(keys, row, entity.keyType());
            }
          }
          output.accept(batch);
        }
      };
    }

    void record(LineageStore lineage, UUID trainingSet) {
      Map<String, Map<KeyUse, Set<String>>> byEntity = new HashMap<>();
      spineKeys.forEach(
          (entity, keys) ->
              byEntity
                  .computeIfAbsent(entity, e -> new EnumMap<>(KeyUse.class))
                  .put(KeyUse.SPINE, keys.spelt()));
      featureKeys.forEach(
          (entity, keys) ->
              byEntity
                  .computeIfAbsent(entity, e -> new EnumMap<>(KeyUse.class))
                  .put(KeyUse.FEATURES, keys.spelt()));
      byEntity.forEach((entity, uses) -> lineage.record(trainingSet, entity, uses));
    }
  }

  /**
   * Rows read and written so far, of how many; groups' batches arrive from several threads. Each
   * step also asks the monitor whether the job was cancelled.
   */
  private static final class RowProgress {
    private final JobMonitor monitor;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    RowProgress(JobMonitor monitor) {
      this.monitor = monitor;
    }

    void addToTotal(long rows) {
      total.addAndGet(rows);
    }

    void rowsDone(long rows) {
      monitor.checkNotCancelled();
      long now = done.addAndGet(rows);
      monitor.progress(now, Math.max(now, total.get()));
    }

    /** The same rows, counted as done once the join has taken each batch. */
    StoredRowSource counting(StoredRowSource rows) {
      return new StoredRowSource() {
        @Override
        public void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException {
          forEachPreparedBatch(batch -> null, (batch, nothing) -> consumer.accept(batch));
        }

        @Override
        public <P> void forEachPreparedBatch(
            Function<VectorSchemaRoot, P> prepare, BiConsumer<VectorSchemaRoot, P> consumer)
            throws IOException {
          rows.forEachPreparedBatch(
              prepare,
              (batch, prepared) -> {
                consumer.accept(batch, prepared);
                rowsDone(batch.getRowCount());
              });
        }
      };
    }
  }

  private static long millisSince(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /**
   * Hands join output to the output with columns in the requested order: the engine groups features
   * by feature group, while the request may interleave groups.
   */
  private static final class RequestOrderSink implements JoinOutputSink {
    private final JoinOutputSink output;
    private final List<String> columnOrder;
    private final RowProgress progress;
    private int[] engineColumnOfOutput;
    private List<Field> outputFields;

    RequestOrderSink(JoinOutputSink output, List<String> columnOrder, RowProgress progress) {
      this.output = output;
      this.columnOrder = columnOrder;
      this.progress = progress;
    }

    @Override
    public void begin(Schema schema) throws IOException {
      engineColumnOfOutput = new int[columnOrder.size()];
      outputFields = new ArrayList<>();
      for (int i = 0; i < columnOrder.size(); i++) {
        Field field = schema.findField(columnOrder.get(i));
        engineColumnOfOutput[i] = schema.getFields().indexOf(field);
        outputFields.add(field);
      }
      output.begin(new Schema(outputFields));
    }

    @Override
    public void accept(VectorSchemaRoot batch) throws IOException {
      List<FieldVector> vectors = new ArrayList<>();
      for (int column : engineColumnOfOutput) {
        vectors.add(batch.getVector(column));
      }
      // A view over the engine's vectors; the engine owns and frees them.
      output.accept(new VectorSchemaRoot(outputFields, vectors, batch.getRowCount()));
      progress.rowsDone(batch.getRowCount());
    }
  }
}
