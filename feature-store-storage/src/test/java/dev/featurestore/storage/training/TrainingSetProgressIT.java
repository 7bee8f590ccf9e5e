package dev.featurestore.storage.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.jobs.JobCancelledException;
import dev.featurestore.core.jobs.JobMonitor;
import dev.featurestore.core.join.JoinOptions;
import dev.featurestore.core.join.PointInTimeJoinEngine;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.security.ApiKey;
import dev.featurestore.core.security.Role;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.storage.catalog.JdbcTrainingSetCatalog;
import dev.featurestore.storage.catalog.JdbcUploads;
import dev.featurestore.storage.catalog.TestingLeases;
import dev.featurestore.storage.lineage.LineageIndex;
import dev.featurestore.storage.objectstore.LocalDiskObjectStore;
import dev.featurestore.storage.parquet.ParquetCompression;
import dev.featurestore.storage.security.JdbcApiKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongPredicate;
import javax.sql.DataSource;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training set built as a job reports progress batch by batch, and a cancelled one stops at the
 * next batch, stores no output and is not READY.
 */
class TrainingSetProgressIT {
  private static final String GROUP = "user_activity";
  private static final int GROUP_ROWS = 4;
  private static final int SPINE_ROWS = 10;

  @TempDir Path folder;
  private StorageTestBed bed;
  private RootAllocator allocator;
  private LocalDiskObjectStore objects;
  private JdbcTrainingSetCatalog trainingSets;
  private TrainingSetBuilder builder;
  private Path temporaryFolder;
  private ApiKey scientist;

  @BeforeEach
  void setUp() throws IOException {
    bed = StorageTestBed.in(folder);
    allocator = bed.allocator();
    objects = bed.objects();
    DataSource database = bed.dataSource();
    scientist = new JdbcApiKeys(database).issue("scientist", Role.DATA_SCIENTIST).apiKey();
    temporaryFolder = folder.resolve("tmp");
    trainingSets = new JdbcTrainingSetCatalog(database, TestingLeases.ONE_REPLICA);
    // Two spine rows per output batch: five output batches.
    builder =
        new TrainingSetBuilder(
            bed.catalog(),
            trainingSets,
            new JdbcUploads(database),
            bed.reader(),
            new ObjectStoreSpineUploads(objects, temporaryFolder),
            new ParquetTrainingSetOutputs(
                objects, temporaryFolder, ParquetCompression.DEFAULT, StorageTestBed.THREADS),
            allocator,
            new PointInTimeJoinEngine(
                allocator,
                new JoinOptions(1, 2).withSpillDirectory(folder),
                ForkJoinPool.commonPool()),
            new LineageIndex(database, TestKeyDigests.DIGESTS));
    bed.userGroup(GROUP, FeatureDefinition.scalar("clicks_7d", FeatureType.INT64));
    for (int commit = 0; commit < 2; commit++) {
      bed.appendJson(
          GROUP,
          "{\"user_id\":\"u1\",\"event_time\":\"2026-03-0"
              + (commit + 1)
              + "T00:00:00Z\",\"clicks_7d\":"
              + commit
              + "},{\"user_id\":\"u2\",\"event_time\":\"2026-03-01T00:00:00Z\",\"clicks_7d\":7}");
    }
  }

  @AfterEach
  void noLeaks() {
    bed.close();
  }

  @Test
  void reportsRowsReadAndWrittenBatchByBatchUntilAllAreDone() throws IOException {
    RecordingMonitor monitor = new RecordingMonitor(done -> false);

    TrainingSet ready =
        builder.materialize(builder.prepare(request(), scientist), monitor).trainingSet();

    assertThat(ready.status()).isEqualTo(TrainingSetStatus.READY);
    long total = GROUP_ROWS + SPINE_ROWS;
    // One report per file read and per output batch: finer than one step.
    assertThat(monitor.reports).hasSizeGreaterThanOrEqualTo(2 + SPINE_ROWS / 2);
    long previous = 0;
    for (long[] report : monitor.reports) {
      assertThat(report[0]).isGreaterThan(previous).isLessThanOrEqualTo(report[1]);
      previous = report[0];
    }
    assertThat(monitor.reports.get(monitor.reports.size() - 1)).containsExactly(total, total);
  }

  @Test
  void cancelledBuildStopsAtTheNextBatchAndStoresNothing() throws IOException {
    // Cancelled once the first output batch was written.
    RecordingMonitor monitor = new RecordingMonitor(done -> done > GROUP_ROWS);
    TrainingSetBuilder.PreparedTrainingSet prepared = builder.prepare(request(), scientist);

    assertThatThrownBy(() -> builder.materialize(prepared, monitor))
        .isInstanceOf(JobCancelledException.class);

    long[] last = monitor.reports.get(monitor.reports.size() - 1);
    assertThat(last[0]).as("stopped before the last batch").isLessThan(last[1]);
    TrainingSet failed = trainingSets.find(prepared.trainingSet().id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(failed.outputObjectKey()).isEmpty();
    assertThat(objects.list("training-sets/")).isEmpty();
    try (var left = Files.list(temporaryFolder)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void buildHitByAnErrorIsMarkedFailedNotLeftRunning() throws IOException {
    JobMonitor outOfMemory =
        new JobMonitor() {
          @Override
          public void progress(long done, long total) {}

          @Override
          public void checkNotCancelled() {
            throw new OutOfMemoryError("thrown by the test");
          }
        };
    TrainingSetBuilder.PreparedTrainingSet prepared = builder.prepare(request(), scientist);

    assertThatThrownBy(() -> builder.materialize(prepared, outOfMemory))
        .isInstanceOf(OutOfMemoryError.class);

    TrainingSet failed = trainingSets.find(prepared.trainingSet().id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(objects.list("training-sets/")).isEmpty();
  }

  private TrainingSetRequest request() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int row = 0; row < SPINE_ROWS; row++) {
      Map<String, Object> spineRow = new LinkedHashMap<>();
      spineRow.put("user_id", "u" + (row % 3));
      spineRow.put("event_time", "2026-03-05T00:00:00Z");
      rows.add(spineRow);
    }
    return new TrainingSetRequest(
        "progress",
        Optional.of(new InlineSpine(rows)),
        Optional.empty(),
        Optional.empty(),
        List.of(FeatureReference.parse("features[0]", GROUP + ":clicks_7d", Optional.empty())),
        Optional.empty(),
        "{}");
  }

  /** Records every report; says the job was cancelled once a report's rows done match. */
  private static final class RecordingMonitor implements JobMonitor {
    final List<long[]> reports = Collections.synchronizedList(new ArrayList<>());
    private final LongPredicate cancelWhenDone;
    private volatile boolean cancelled;

    RecordingMonitor(LongPredicate cancelWhenDone) {
      this.cancelWhenDone = cancelWhenDone;
    }

    @Override
    public void progress(long done, long total) {
      reports.add(new long[] {done, total});
      if (cancelWhenDone.test(done)) {
        cancelled = true;
      }
    }

    @Override
    public void checkNotCancelled() {
      if (cancelled) {
        throw new JobCancelledException("cancelled by the test");
      }
    }
  }
}
