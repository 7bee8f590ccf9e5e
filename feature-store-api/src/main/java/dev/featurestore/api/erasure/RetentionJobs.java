package dev.featurestore.api.erasure;

import dev.featurestore.api.ingest.FeatureGroupCommitted;
import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.AgeRetention;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.RetentionRun;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.training.TrainingSetExpiry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The retention by age as jobs: every {@code feature-store.retention.max-age-interval} each group
 * with rows past its {@code maxAge} gets a RETENTION job, held under this replica's lease, whose
 * receipt is an erasure's ({@code GET /api/v1/erasures/{id}}). Like an erasure it is resumed by the
 * replica that claims it once its lease expired, never left half done. A group whose run is still
 * under way (here or on another replica) is not due; should two replicas start one at the same
 * moment, each file is rewritten by one of them (the other loses the race on the file's row and
 * drops its rewrite). The same pass expires the training sets whose own {@code retention} ran out
 * ({@link TrainingSetExpiry}): one conditional catalog update and one object deletion each, so no
 * job is needed to resume one cut short; the next pass of any replica finishes it.
 */
@Component
class RetentionJobs extends JobRunner.TakeOver {
  static final String KIND = "RETENTION";
  static final String PRINCIPAL = "retention";
  private static final Logger log = LoggerFactory.getLogger(RetentionJobs.class);
  private static final String INTERVAL = "${feature-store.retention.max-age-interval:PT1H}";

  private final Jobs jobs;
  private final JobRunner runner;
  private final AgeRetention retention;
  private final Catalog catalog;
  private final ApplicationEventPublisher events;
  private final ErasureLedger ledger;
  private final TrainingSetExpiry trainingSetExpiry;

  RetentionJobs(
      Jobs jobs,
      @Lazy JobRunner runner,
      AgeRetention retention,
      Catalog catalog,
      ApplicationEventPublisher events,
      ErasureLedger ledger,
      TrainingSetExpiry trainingSetExpiry) {
    super(KIND, true);
    this.jobs = jobs;
    this.runner = runner;
    this.retention = retention;
    this.catalog = catalog;
    this.events = events;
    this.ledger = ledger;
    this.trainingSetExpiry = trainingSetExpiry;
  }

  /**
   * Starts a job for every group due now and expires the training sets due; a failed pass is logged
   * and the next one tries again.
   */
  @Scheduled(initialDelayString = INTERVAL, fixedDelayString = INTERVAL)
  void sweep() {
    try {
      startDue();
    } catch (RuntimeException e) {
      log.warn("Retention by age failed; the next pass tries again", e);
    }
    try {
      expireTrainingSets(Instant.now());
    } catch (IOException | RuntimeException e) {
      log.warn("Expiring training sets failed; the next pass tries again", e);
    }
  }

  /** Expires the training sets whose retention ran out at {@code now}; returns those deleted. */
  List<UUID> expireTrainingSets(Instant now) throws IOException {
    List<UUID> expired = trainingSetExpiry.expireDue(now);
    if (!expired.isEmpty()) {
      log.info("Retention deleted the outputs of {} expired training sets", expired.size());
    }
    return expired;
  }

  /** Starts a job for every group due now; returns them. */
  List<Job> startDue() {
    List<Job> started = new ArrayList<>();
    for (AgeRetention.Due due : retention.due(Instant.now())) {
      UUID id = UUID.randomUUID();
      Job job = jobs.create(id, KIND, "/api/v1/erasures/" + id, due.files(), null);
      retention.record(id, due, PRINCIPAL);
      started.add(runner.start(job, takeOver(job)));
    }
    return started;
  }

  @Override
  public JobRunner.Work takeOver(Job job) {
    return monitor -> {
      ErasureReceipt receipt =
          retention.run(job.id(), done -> monitor.progress(done, Math.max(done, job.total())));
      RetentionRun run = ledger.retentionRun(job.id()).orElseThrow();
      log.info(
          "Retention removed {} rows of feature group {} older than {} ({} files rewritten)",
          receipt.rowsRemoved(),
          run.featureGroup(),
          run.removedBefore(),
          receipt.filesRewritten());
      // This server's online index rebuilds now; other replicas see the ERASURE commit.
      events.publishEvent(
          new FeatureGroupCommitted(
              run.featureGroup(), catalog.latestSequence(run.featureGroup())));
    };
  }
}
