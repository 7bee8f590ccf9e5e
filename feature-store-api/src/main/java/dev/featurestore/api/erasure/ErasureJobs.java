package dev.featurestore.api.erasure;

import dev.featurestore.api.ingest.FeatureGroupCommitted;
import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.Erasure;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyErasure;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.security.ApiKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Starts erasures as jobs, and finishes those a stopped replica left unfinished: an erasure must
 * not stay half done, so unlike other jobs it is resumed, once its lease expired, by the one
 * replica that claimed it.
 */
@Component
class ErasureJobs extends JobRunner.TakeOver {
  static final String KIND = "ERASURE";

  private final Jobs jobs;
  private final JobRunner runner;
  private final ErasureLedger erasures;
  private final KeyErasure keyErasure;
  private final Catalog catalog;
  private final ApplicationEventPublisher events;
  private final Counter erasuresCompleted;
  private final Counter filesRewritten;
  private final Counter rowsRemoved;

  ErasureJobs(
      Jobs jobs,
      @Lazy JobRunner runner,
      ErasureLedger erasures,
      KeyErasure keyErasure,
      Catalog catalog,
      ApplicationEventPublisher events,
      MeterRegistry registry) {
    super(KIND, true);
    this.jobs = jobs;
    this.runner = runner;
    this.erasures = erasures;
    this.keyErasure = keyErasure;
    this.catalog = catalog;
    this.events = events;
    // Counted by the replica that completes an erasure, once: a resumed one counts its whole
    // receipt.
    this.erasuresCompleted =
        Counter.builder("feature_store.erasures")
            .description("Erasures completed")
            .register(registry);
    this.filesRewritten =
        Counter.builder("feature_store.erasure.files_rewritten")
            .description("Feature files and training-set outputs rewritten without erased keys")
            .register(registry);
    this.rowsRemoved =
        Counter.builder("feature_store.erasure.rows_removed")
            .description("Rows removed by erasures")
            .register(registry);
  }

  /** Records the erasure under a new job, owned by the requester's key, and starts it. */
  Job submit(Entity entity, List<String> keys, String reason, ApiKey requester) {
    UUID id = UUID.randomUUID();
    Job job =
        jobs.create(
            id,
            KIND,
            "/api/v1/erasures/" + id,
            keyErasure.plannedSteps(entity, keys),
            requester.id());
    erasures.create(id, entity.name(), keys, reason, requester.name());
    return runner.start(job, takeOver(job));
  }

  @Override
  public JobRunner.Work takeOver(Job job) {
    return monitor -> {
      Erasure erasure = erasures.find(job.id()).orElseThrow();
      // Later passes may find files added meanwhile: the total grows with them.
      ErasureReceipt receipt =
          keyErasure.erase(
              job.id(),
              erasure.principal(),
              done -> monitor.progress(done, Math.max(done, job.total())));
      erasuresCompleted.increment();
      filesRewritten.increment(receipt.filesRewritten());
      rowsRemoved.increment(receipt.rowsRemoved());
      // Online indexes of this server drop the keys now; other replicas see the ERASURE commits.
      for (FeatureGroup group : catalog.featureGroups()) {
        if (group.entity().name().equals(erasure.entity())) {
          events.publishEvent(
              new FeatureGroupCommitted(group.name(), catalog.latestSequence(group.name())));
        }
      }
    };
  }
}
