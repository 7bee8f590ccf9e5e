package dev.featurestore.storage.erasure;

import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyErasure;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.join.ExternalJoinEngine;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.SpineFiles;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.JdbcJobs;
import dev.featurestore.storage.catalog.JdbcModels;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.iceberg.IcebergTables;
import dev.featurestore.storage.iceberg.ObjectUris;
import dev.featurestore.storage.ingest.SpineUploads;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.parquet.ArrowParquetReader;
import dev.featurestore.storage.parquet.FeatureFileScan;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.security.JdbcApiKeys;
import dev.featurestore.storage.training.ObjectStoreSpineUploads;
import dev.featurestore.storage.training.ParquetTrainingSetOutputs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A {@link StorageTestBed} with everything an erasure touches: uploads, training sets built by the
 * real builder, lineage, models, jobs, the Iceberg tables and the eraser itself; and ways to read
 * back which keys each kind of object holds.
 */
public record ErasureTestBed(
    StorageTestBed storage,
    JdbcUploads uploads,
    JdbcTrainingSetCatalog trainingSets,
    JdbcErasureLedger erasures,
    JdbcJobs jobs,
    JdbcModels models,
    LineageIndex lineage,
    TrainingSetBuilder builder,
    ApiKey scientist,
    Path temporaryFolder,
    IcebergTables icebergTables)
    implements AutoCloseable {

  public static ErasureTestBed in(Path folder) throws IOException {
    return in(folder, storage -> Optional.empty());
  }

  /**
   * A test bed whose builder joins a request naming {@code "engine": "spark"} with the engine made
   * for its storage.
   */
  public static ErasureTestBed in(
      Path folder, Function<StorageTestBed, Optional<ExternalJoinEngine>> sparkJoin)
      throws IOException {
    StorageTestBed storage = StorageTestBed.in(folder);
    var dataSource = storage.dataSource();
    JdbcUploads uploads = new JdbcUploads(dataSource);
    JdbcTrainingSetCatalog trainingSets =
        new JdbcTrainingSetCatalog(dataSource, TestingLeases.ONE_REPLICA);
    JdbcErasureLedger erasures = new JdbcErasureLedger(dataSource, TestKeyDigests.DIGESTS);
    LineageIndex lineage = new LineageIndex(dataSource, TestKeyDigests.DIGESTS);
    Path temporary = Files.createDirectories(folder.resolve("erasure-tmp"));
    TrainingSetBuilder builder =
        new TrainingSetBuilder(
            storage.catalog(),
            trainingSets,
            uploads,
            storage.reader(),
            new ObjectStoreSpineUploads(storage.objects(), temporary),
            new ParquetTrainingSetOutputs(
                storage.objects(), temporary, ParquetCompression.DEFAULT, StorageTestBed.THREADS),
            storage.allocator(),
            new PointInTimeJoinEngine(
                storage.allocator(), JoinOptions.DEFAULT, ForkJoinPool.commonPool()),
            lineage,
            sparkJoin.apply(storage));
    ApiKey scientist = new JdbcApiKeys(dataSource).issue("scientist", Role.DATA_SCIENTIST).apiKey();
    return new ErasureTestBed(
        storage,
        uploads,
        trainingSets,
        erasures,
        new JdbcJobs(dataSource, TestingLeases.ONE_REPLICA),
        new JdbcModels(dataSource),
        lineage,
        builder,
        scientist,
        temporary,
        new IcebergTables(
            dataSource,
            storage.catalog(),
            trainingSets,
            storage.objects(),
            ObjectUris.localDisk(folder.resolve("objects"))));
  }

  /** The erasure as the server wires it. */
  public KeyErasure eraser() {
    return eraserOver(storage.objects());
  }

  /** An erasure that reads and writes uploads and outputs through {@code objects}. */
  public KeyErasure eraserOver(ObjectStore objects) {
    return KeyErasure.over(
        erasures,
        storage.catalog(),
        trainingSets,
        uploads,
        lineage,
        models,
        new ParquetObjectRewriter(
            storage.reader(),
            storage.writer(),
            objects,
            storage.cache(),
            storage.allocator(),
            Long.MAX_VALUE,
            temporaryFolder,
            ParquetCompression.DEFAULT,
            StorageTestBed.THREADS),
        objects,
        icebergTables);
  }

  /** Checks and stores a spine upload as the upload endpoint does. */
  public Upload upload(UploadFormat format, Path body) throws IOException {
    SpineFiles.Description description =
        SpineUploads.describe(format, body, storage.allocator(), UploadLimits.NONE);
    UUID id = UUID.randomUUID();
    storage.objects().put(ObjectLayout.upload(id), body);
    return uploads.create(
        id,
        ObjectLayout.upload(id),
        format.mediaType(),
        Files.size(body),
        description.rows(),
        description.columns(),
        scientist.name(),
        scientist.id());
  }

  /** Stores a CSV spine upload. */
  public Upload uploadCsv(String csv) throws IOException {
    Path body =
        Files.writeString(
            storage.folder().resolve("upload-" + UUID.randomUUID() + ".csv"),
            csv,
            StandardCharsets.UTF_8);
    return upload(UploadFormat.CSV, body);
  }

  /** Builds a training set as its request says, failing as the builder does. */
  public TrainingSet build(TrainingSetRequest request) throws IOException {
    return builder.materialize(builder.prepare(request, scientist)).trainingSet();
  }

  /** Builds a training set of {@code features} on an uploaded spine. */
  public TrainingSet buildOnUpload(String name, Upload spine, List<FeatureReference> features)
      throws IOException {
    return build(
        name, Optional.empty(), Optional.of(spine.id()), features, "\"upload\":\"" + spine.id());
  }

  /** Builds a training set of {@code features} on the rows of a group as its spine. */
  public TrainingSet buildOnGroup(String name, String group, List<FeatureReference> features)
      throws IOException {
    return build(
        name, Optional.of(group), Optional.empty(), features, "\"featureGroup\":\"" + group);
  }

  private TrainingSet build(
      String name,
      Optional<String> spineGroup,
      Optional<UUID> spineUpload,
      List<FeatureReference> features,
      String spineJson)
      throws IOException {
    return build(
        new TrainingSetRequest(
            name,
            Optional.empty(),
            spineGroup,
            spineUpload,
            features,
            Optional.empty(),
            "{\"name\":\"" + name + "\",\"spine\":{" + spineJson + "\"}}"));
  }

  /** Runs an erasure of {@code keys} of {@code entity} to its end, as its job would. */
  public ErasureReceipt erase(Entity entity, List<String> keys) throws IOException {
    return run(record(entity, keys), eraser());
  }

  /** Lifts the tombstones of {@code keys}, as a compliance officer does when people come back. */
  public void liftTombstones(Entity entity, List<String> keys) {
    JdbcTombstones tombstones = new JdbcTombstones(storage.dataSource());
    keys.forEach(
        key -> tombstones.lift(entity.name(), TestKeyDigests.DIGESTS.digest(entity.name(), key)));
  }

  /** Records an erasure and its job, as a request does, without running it; returns its id. */
  public UUID record(Entity entity, List<String> keys) {
    UUID id = UUID.randomUUID();
    jobs.create(id, "ERASURE", "/api/v1/erasures/" + id, 0, scientist.id());
    erasures.create(id, entity.name(), keys, "test", "compliance");
    return id;
  }

  /** Runs (or resumes) the erasure {@code id} with {@code eraser}. */
  public ErasureReceipt run(UUID id, KeyErasure eraser) throws IOException {
    return eraser.erase(id, "compliance", done -> {});
  }

  /** The keys in the {@code column} of every row of the group's latest version. */
  public List<String> keysInGroup(String group, String column) throws IOException {
    var featureGroup = storage.catalog().featureGroup(group).orElseThrow();
    List<String> keys = new ArrayList<>();
    storage
        .reader()
        .snapshot(featureGroup, storage.catalog().latestSequence(group))
        .forEachBatch(
            FeatureFileScan.allFeatures(featureGroup), batch -> keys.addAll(keys(batch, column)));
    return keys;
  }

  /** The keys in the {@code column} of the upload's object, as the catalog points at it now. */
  public List<String> keysInUpload(UUID upload, String column) throws IOException {
    Upload now = uploads.find(upload).orElseThrow();
    Path copy = download(now.objectKey());
    try (VectorSchemaRoot spine =
        SpineUploads.load(
            UploadFormat.ofContentType(now.contentType()).orElseThrow(),
            copy,
            List.of(),
            storage.allocator())) {
      return keys(spine, column);
    } finally {
      Files.delete(copy);
    }
  }

  /** The keys in the {@code column} of the training set's output, as the catalog points at it. */
  public List<String> keysInOutput(UUID trainingSet, String column) throws IOException {
    Path copy =
        download(trainingSets.find(trainingSet).orElseThrow().outputObjectKey().orElseThrow());
    List<String> keys = new ArrayList<>();
    try (ArrowParquetReader output =
        ArrowParquetReader.open(new LocalFileInput(copy), 1024, storage.allocator())) {
      while (output.loadNextBatch()) {
        keys.addAll(keys(output.batch(), column));
      }
    } finally {
      Files.delete(copy);
    }
    return keys;
  }

  private Path download(String objectKey) throws IOException {
    Path copy = storage.folder().resolve("copy-" + UUID.randomUUID());
    try (InputStream in = storage.objects().get(objectKey)) {
      Files.copy(in, copy);
    }
    return copy;
  }

  private static List<String> keys(VectorSchemaRoot batch, String column) {
    FieldVector vector = batch.getVector(column);
    List<String> keys = new ArrayList<>();
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (vector.isNull(row)) {
        keys.add(null);
      } else if (vector instanceof BaseIntVector integers) {
        keys.add(Long.toString(integers.getValueAsLong(row)));
      } else {
        keys.add(new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8));
      }
    }
    return keys;
  }

  @Override
  public void close() {
    storage.close();
  }
}
