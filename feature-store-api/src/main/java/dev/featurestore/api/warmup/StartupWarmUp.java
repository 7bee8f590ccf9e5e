package dev.featurestore.api.warmup;

import dev.featurestore.api.config.SharedThreads;
import dev.featurestore.api.config.TemporaryFolder;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.catalog.NewDataFile;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.Tombstones;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.join.PointInTimeJoinRequest;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.SpineSource;
import dev.featurestore.core.training.TrainingSetOutputs;
import dev.featurestore.storage.ingest.SpineUploads;
import dev.featurestore.storage.ingest.UploadFormat;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.parquet.ParquetFeatureFileFormat;
import dev.featurestore.storage.read.FeatureGroupReader;
import dev.featurestore.storage.read.ObjectCache;
import dev.featurestore.storage.training.ParquetTrainingSetOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Before the server reports ready, runs the code of a commit and of a training set a few times on
 * rows of its own, so that the first user request does not pay for loading those classes and for
 * running their loops in the interpreter (about twice the time of later requests otherwise; see
 * docs/benchmarks.md). Readiness turns UP when Spring's runners are done, so after this one.
 *
 * <p>It touches neither the catalog nor the object store: a Parquet upload body is decoded, sorted
 * and stored as feature files ({@link FeatureGroupWriter#storeUncommitted}) in a scratch object
 * store under the temporary folder, read back and joined to a spine uploaded the same way, and the
 * output stored there too; the scratch folder is deleted afterwards. A failure is logged and the
 * server starts anyway: the warm-up only saves time.
 */
@Component
@EnableConfigurationProperties(WarmUpProperties.class)
public class StartupWarmUp implements ApplicationRunner {
  private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);
  private static final int KEYS = 10_000;
  private static final int VERSIONS = 10;
  private static final int SPINE_ROWS = 20_000;
  private static final int BODY_BATCH_ROWS = 25_000;
  private static final Instant FIRST_EVENT = Instant.parse("2020-01-01T00:00:00Z");
  private static final long HOUR_MICROS = 3_600_000_000L;

  /** A group of the kind users commit: an INT64 key, numbers and a string. */
  static final FeatureGroup GROUP =
      new FeatureGroup(
          "startup_warm_up",
          new Entity("warm_up_key", KeyType.INT64, "", "", List.of()),
          List.of(
              FeatureDefinition.scalar("f0", FeatureType.FLOAT64),
              FeatureDefinition.scalar("f1", FeatureType.FLOAT64),
              FeatureDefinition.scalar("f2", FeatureType.FLOAT64),
              FeatureDefinition.scalar("f3", FeatureType.FLOAT64),
              FeatureDefinition.scalar("count", FeatureType.INT64),
              FeatureDefinition.scalar("label", FeatureType.STRING)),
          Duration.ZERO,
          false,
          "",
          1);

  private final WarmUpProperties properties;
  private final Catalog catalog;
  private final Tombstones tombstones;
  private final KeyDigests keyDigests;
  private final BufferAllocator allocator;
  private final SharedThreads threads;
  private final TemporaryFolder temporaryFolder;
  private final PointInTimeJoinEngine joinEngine;
  private final ParquetCompression compression;
  private volatile int roundsRun;

  StartupWarmUp(
      WarmUpProperties properties,
      Catalog catalog,
      Tombstones tombstones,
      KeyDigests keyDigests,
      BufferAllocator allocator,
      SharedThreads threads,
      TemporaryFolder temporaryFolder,
      PointInTimeJoinEngine joinEngine,
      ParquetCompression compression) {
    this.properties = properties;
    this.catalog = catalog;
    this.tombstones = tombstones;
    this.keyDigests = keyDigests;
    this.allocator = allocator;
    this.threads = threads;
    this.temporaryFolder = temporaryFolder;
    this.joinEngine = joinEngine;
    this.compression = compression;
  }

  /** How many rounds ran at start-up: 0 when the warm-up is turned off or failed at once. */
  public int roundsRun() {
    return roundsRun;
  }

  @Override
  public void run(ApplicationArguments arguments) {
    if (!properties.enabled()) {
      return;
    }
    long started = System.nanoTime();
    long deadline = started + properties.timeLimit().toNanos();
    Path scratch = null;
    try {
      Scratch rows = null;
      while (roundsRun < properties.rounds() && System.nanoTime() - deadline < 0) {
        if (rows == null) {
          scratch = Files.createTempDirectory(temporaryFolder.path(), "warm-up-");
          rows = new Scratch(scratch);
        }
        rows.round();
        roundsRun++;
      }
      log.info(
          "Warm-up: {} rounds of the commit and training-set code in {} ms",
          roundsRun,
          (System.nanoTime() - started) / 1_000_000);
    } catch (IOException | RuntimeException e) {
      log.warn("Warm-up failed after {} rounds; the server starts anyway", roundsRun, e);
    } finally {
      deleteScratch(scratch);
    }
  }

  /** The warm-up's own object store, upload body and spine, all under one scratch folder. */
  private final class Scratch {
    private final Path folder;
    private final ObjectStore objects;
    private final FeatureGroupWriter writer;
    private final FeatureGroupReader reader;
    private final TrainingSetOutputs outputs;
    private final Path body;
    private final Path spine;

    Scratch(Path folder) throws IOException {
      this.folder = folder;
      this.objects = new LocalDiskObjectStore(Files.createDirectories(folder.resolve("objects")));
      // Several batches per upload, as in a large commit: decoding overlaps sorting and storing.
      this.writer =
          new FeatureGroupWriter(
              catalog,
              objects,
              new ParquetFeatureFileFormat(compression, Runnable::run),
              allocator,
              threads.fileWrites(),
              Clock.systemUTC(),
              FeatureGroupWriter.Settings.of(folder, Duration.ZERO)
                  .withRowsPerBatch(group -> BODY_BATCH_ROWS),
              tombstones,
              keyDigests);
      this.reader =
          new FeatureGroupReader(
              catalog,
              new ObjectCache(objects, folder.resolve("cache")),
              allocator,
              threads.fileReads());
      this.outputs =
          new ParquetTrainingSetOutputs(objects, folder, compression, threads.fileWrites());
      this.body = writeBody(folder.resolve("body.parquet"));
      this.spine = writeSpine(folder.resolve("spine.parquet"));
    }

    /** A commit's path, then a training set's over the files it stored. */
    void round() throws IOException {
      List<NewDataFile> stored =
          writer.storeUncommitted(
              GROUP, UploadFormat.PARQUET, new SpooledUpload(body, Files.size(body), "warm-up"));
      List<DataFile> files =
          stored.stream()
              .map(
                  file ->
                      file.committed(
                          UUID.randomUUID(), 1, Optional.empty(), GROUP.schemaVersion(), 1, 1))
              .toList();
      List<FeatureSelection> features =
          GROUP.features().stream()
              .map(feature -> new FeatureSelection(feature.name(), feature.name()))
              .toList();
      UUID output = UUID.randomUUID();
      try (VectorSchemaRoot spineRows =
              SpineUploads.load(UploadFormat.PARQUET, spine, List.of(GROUP.entity()), allocator);
          TrainingSetOutputs.Output sink = outputs.open(output, "warm_up")) {
        joinEngine.join(
            new PointInTimeJoinRequest(
                spineRows,
                SpineSource.SPINE_TIME,
                List.of(
                    new FeatureGroupRequest(
                        GROUP,
                        1,
                        features,
                        reader
                            .uncommitted(GROUP, 1, files)
                            .rowsInAnyOrder(
                                features.stream().map(FeatureSelection::featureName).toList())))),
            sink);
        sink.finish();
        sink.store("warm-up/" + output + ".parquet");
      }
    }

    /** The group's rows in commit order (versions of all keys interleaved), as a Parquet body. */
    private Path writeBody(Path file) throws IOException {
      List<Field> fields = new ArrayList<>(List.of(keyField(), timeField()));
      for (FeatureDefinition feature : GROUP.features()) {
        ArrowType type =
            switch (feature.type()) {
              case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
              case INT64 -> new ArrowType.Int(64, true);
              default -> ArrowType.Utf8.INSTANCE;
            };
        fields.add(new Field(feature.name(), FieldType.nullable(type), null));
      }
      SplittableRandom random = new SplittableRandom(42);
      writeRows(
          file,
          new Schema(fields),
          KEYS * VERSIONS,
          (batch, row, index) -> {
            long version = index / KEYS;
            ((BigIntVector) batch.getVector(0)).setSafe(row, index % KEYS);
            ((TimeStampMicroTZVector) batch.getVector(1))
                .setSafe(row, eventMicros(version) + random.nextLong(HOUR_MICROS));
            for (FieldVector feature : batch.getFieldVectors().subList(2, fields.size())) {
              switch (feature) {
                case BigIntVector counts -> counts.setSafe(row, random.nextLong(100));
                case Float8Vector values -> {
                  if (random.nextInt(20) == 0) {
                    values.setNull(row);
                  } else {
                    values.setSafe(row, random.nextDouble());
                  }
                }
                case VarCharVector labels ->
                    labels.setSafe(
                        row, ("label-" + random.nextInt(50)).getBytes(StandardCharsets.UTF_8));
                default -> throw new IllegalStateException("no value for " + feature.getField());
              }
            }
          });
      return file;
    }

    /** Spine rows of random keys (some unknown to the group) at random times. */
    private Path writeSpine(Path file) throws IOException {
      SplittableRandom random = new SplittableRandom(7);
      writeRows(
          file,
          new Schema(List.of(keyField(), timeField())),
          SPINE_ROWS,
          (batch, row, index) -> {
            ((BigIntVector) batch.getVector(0)).setSafe(row, random.nextLong(KEYS + KEYS / 10));
            ((TimeStampMicroTZVector) batch.getVector(1))
                .setSafe(row, eventMicros(random.nextLong(VERSIONS + 1)));
          });
      return file;
    }

    private void writeRows(Path file, Schema schema, int rows, RowFiller filler)
        throws IOException {
      try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, allocator);
          ArrowParquetWriter parquet =
              new ArrowParquetWriter(file, "rows", schema, threads.fileWrites())) {
        for (int first = 0; first < rows; first += BODY_BATCH_ROWS) {
          int count = Math.min(BODY_BATCH_ROWS, rows - first);
          batch.allocateNew();
          for (int row = 0; row < count; row++) {
            filler.fill(batch, row, first + row);
          }
          batch.setRowCount(count);
          parquet.write(batch); // takes the buffers over; allocateNew gives the next batch its own
        }
        parquet.finish();
      }
    }
  }

  @FunctionalInterface
  private interface RowFiller {
    void fill(VectorSchemaRoot batch, int row, int index);
  }

  private static Field keyField() {
    return new Field(
        GROUP.entity().name(), FieldType.notNullable(new ArrowType.Int(64, true)), null);
  }

  private static Field timeField() {
    return new Field(
        FeatureGroup.EVENT_TIME,
        FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
        null);
  }

  private static long eventMicros(long hours) {
    return FIRST_EVENT.getEpochSecond() * 1_000_000 + hours * HOUR_MICROS;
  }

  private static void deleteScratch(Path folder) {
    if (folder == null) {
      return;
    }
    try {
      TemporaryFolder.delete(folder);
    } catch (IOException e) {
      log.warn("Could not delete the warm-up's scratch folder {}", folder, e);
    }
  }
}
