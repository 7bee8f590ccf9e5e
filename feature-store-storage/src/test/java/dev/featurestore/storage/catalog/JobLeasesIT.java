package dev.featurestore.storage.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.LostLeaseException;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.storage.TestKeyDigests;
import dev.featurestore.testing.TestingPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs and training sets move only forward, and only through the replica holding them: the SQL
 * guards of {@link JdbcJobs} and {@link JdbcTrainingSetCatalog}.
 */
class JobLeasesIT {
  private static final ReplicaLease LIVE = new ReplicaLease("live", Duration.ofHours(1));

  /** A lease that has expired by the time the next statement runs. */
  private static final ReplicaLease STOPPED = new ReplicaLease("stopped", Duration.ofMillis(1));

  private DataSource catalog;

  @BeforeEach
  void freshCatalog() {
    catalog = TestingPostgres.instance().createDatabase().dataSource();
    CatalogMigrations.apply(catalog, TestKeyDigests.DIGESTS);
  }

  @Test
  void jobEndsOnlyFromRunningAndNeverChangesAfter() {
    JdbcJobs jobs = new JdbcJobs(catalog, LIVE);
    UUID id = job(jobs);

    assertThat(jobs.succeed(id)).as("succeed a PENDING job").isFalse();
    assertThat(jobs.find(id).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    assertThat(jobs.start(id)).isTrue();
    assertThat(jobs.fail(id, "broken")).isTrue();

    assertThat(jobs.succeed(id)).as("succeed a FAILED job").isFalse();
    assertThat(jobs.start(id)).as("start a FAILED job").isFalse();
    jobs.cancelled(id);
    Job failed = jobs.find(id).orElseThrow();
    assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
    assertThat(failed.error()).contains("broken");
  }

  @Test
  void onlyTheReplicaHoldingAJobMovesItOn() {
    UUID id = job(new JdbcJobs(catalog, LIVE));
    JdbcJobs live = new JdbcJobs(catalog, LIVE);
    JdbcJobs other = new JdbcJobs(catalog, new ReplicaLease("other", Duration.ofHours(1)));
    assertThat(live.start(id)).isTrue();

    assertThat(other.succeed(id)).isFalse();
    assertThat(other.fail(id, "not mine")).isFalse();
    assertThat(other.progress(id, 1, 2)).isFalse();
    assertThat(other.claimExpired("TEST")).as("a live lease is not taken over").isEmpty();
    assertThat(other.failExpired("stopped", Set.of())).isZero();

    assertThat(live.progress(id, 1, 2)).isTrue();
    assertThat(live.succeed(id)).isTrue();
  }

  @Test
  void anExpiredJobIsClaimedByExactlyOneReplicaAndItsHolderCannotFinishIt() throws Exception {
    JdbcJobs stopped = new JdbcJobs(catalog, STOPPED);
    UUID id = job(stopped);
    assertThat(stopped.start(id)).isTrue();
    Thread.sleep(20);

    List<Callable<List<Job>>> claims = new ArrayList<>();
    for (int replica = 0; replica < 4; replica++) {
      JdbcJobs jobs = new JdbcJobs(catalog, new ReplicaLease("r" + replica, Duration.ofHours(1)));
      claims.add(() -> jobs.claimExpired("TEST"));
    }
    ExecutorService claiming = Executors.newFixedThreadPool(claims.size());
    int claimed = 0;
    try {
      for (Future<List<Job>> claim : claiming.invokeAll(claims)) {
        claimed += claim.get().size();
      }
    } finally {
      claiming.shutdownNow();
    }

    assertThat(claimed).isEqualTo(1);
    assertThat(stopped.renewLeases()).as("the old holder renews nothing").isZero();
    assertThat(stopped.progress(id, 1, 1)).isFalse();
    assertThat(stopped.succeed(id)).isFalse();
    assertThat(stopped.find(id).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void expiredJobsOfKindsNotTakenOverAreFailedWithAReason() throws Exception {
    JdbcJobs stopped = new JdbcJobs(catalog, STOPPED);
    UUID failed = job(stopped);
    UUID resumed = stopped.create(UUID.randomUUID(), "RESUMED", "/r", 1, null).id();
    Thread.sleep(20);

    JdbcJobs live = new JdbcJobs(catalog, LIVE);
    assertThat(live.failExpired("its replica stopped", Set.of("RESUMED"))).isEqualTo(1);

    assertThat(live.find(failed).orElseThrow().error()).contains("its replica stopped");
    assertThat(live.find(resumed).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
  }

  @Test
  void trainingSetCompletesOnlyFromRunningOnItsReplica() {
    JdbcTrainingSetCatalog trainingSets = new JdbcTrainingSetCatalog(catalog, LIVE);
    UUID id = trainingSet(trainingSets);

    assertThatThrownBy(() -> complete(trainingSets, id)).isInstanceOf(LostLeaseException.class);
    assertThat(trainingSets.find(id).orElseThrow().status()).isEqualTo(TrainingSetStatus.PENDING);

    trainingSets.markRunning(id);
    JdbcTrainingSetCatalog other =
        new JdbcTrainingSetCatalog(catalog, new ReplicaLease("other", Duration.ofHours(1)));
    assertThatThrownBy(() -> complete(other, id)).isInstanceOf(LostLeaseException.class);
    assertThat(other.fail(id, "not mine")).isFalse();

    assertThat(trainingSets.fail(id, "broken")).isTrue();
    assertThatThrownBy(() -> complete(trainingSets, id)).isInstanceOf(LostLeaseException.class);
    assertThatThrownBy(() -> trainingSets.markRunning(id)).isInstanceOf(LostLeaseException.class);
    TrainingSet failed = trainingSets.find(id).orElseThrow();
    assertThat(failed.status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(failed.error()).contains("broken");
    assertThat(failed.outputObjectKey()).isEmpty();
  }

  @Test
  void anExpiredTrainingSetIsFailedAndItsHolderCannotCompleteIt() throws Exception {
    JdbcTrainingSetCatalog stopped = new JdbcTrainingSetCatalog(catalog, STOPPED);
    UUID id = trainingSet(stopped);
    stopped.markRunning(id);
    JdbcTrainingSetCatalog live = new JdbcTrainingSetCatalog(catalog, LIVE);
    UUID building = trainingSet(live);
    Thread.sleep(20);

    assertThat(live.failExpired("its replica stopped")).isEqualTo(1);

    assertThatThrownBy(() -> complete(stopped, id))
        .isInstanceOf(LostLeaseException.class)
        .hasMessageContaining("its replica stopped");
    assertThat(live.find(id).orElseThrow().status()).isEqualTo(TrainingSetStatus.FAILED);
    assertThat(live.find(building).orElseThrow().status()).isEqualTo(TrainingSetStatus.PENDING);
  }

  private static UUID job(JdbcJobs jobs) {
    return jobs.create(UUID.randomUUID(), "TEST", "/test", 2, null).id();
  }

  private static UUID trainingSet(JdbcTrainingSetCatalog trainingSets) {
    return trainingSets.create(UUID.randomUUID(), "t", "{}", Map.of(), null).id();
  }

  private static void complete(JdbcTrainingSetCatalog trainingSets, UUID id) {
    trainingSets.complete(
        id, "training-sets/" + id + ".parquet", "hash", 1, 0, List.of(), Map.of());
  }
}
