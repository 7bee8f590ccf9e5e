package dev.featurestore.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.ReplicaLease;
import dev.featurestore.storage.catalog.CatalogMigrations;
import dev.featurestore.storage.catalog.JdbcJobs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** The runner's boundary: whatever a job throws, it ends, and says why. */
class JobRunnerIT {
  @Test
  void jobHitByAnErrorEndsFailedWithTheReason() throws Exception {
    DataSource catalog = TestCatalogs.sharedPostgres().createDatabase().dataSource();
    CatalogMigrations.apply(catalog, TestCatalogs.KEY_DIGESTS);
    JdbcJobs jobs = new JdbcJobs(catalog, new ReplicaLease("test", Duration.ofHours(1)));
    Job ended;
    try (JobRunner runner = new JobRunner(jobs, List.of())) {
      Job job =
          runner.start(
              jobs.create(UUID.randomUUID(), "TEST", "/test", 1, null),
              monitor -> {
                throw new OutOfMemoryError("Java heap space");
              });
      ended = awaitEnd(jobs, job.id());
    }

    assertThat(ended.status()).isEqualTo(JobStatus.FAILED);
    assertThat(ended.error()).contains("OutOfMemoryError: Java heap space");
  }

  private static Job awaitEnd(JdbcJobs jobs, UUID id) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    Job job = jobs.find(id).orElseThrow();
    while (job.finishedAt().isEmpty() && Instant.now().isBefore(deadline)) {
      Thread.sleep(20);
      job = jobs.find(id).orElseThrow();
    }
    return job;
  }
}
