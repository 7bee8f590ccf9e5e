package dev.featurestore.api.lifecycle;

import dev.featurestore.api.ingest.FeatureGroupDefined;
import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.lifecycle.DependentsPolicy;
import dev.featurestore.core.lifecycle.FeatureGroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletionLedger;
import dev.featurestore.core.security.ApiKey;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Runs group deletions as jobs. Like an erasure, a deletion must not stay half done: a stopped
 * replica's is resumed once its lease expired, and one whose run failed (the object store was down)
 * runs again, as a new job, when the deletion is asked for again.
 */
@Component
class GroupDeletionJobs extends JobRunner.TakeOver {
  static final String KIND = "FEATURE_GROUP_DELETION";

  private final Jobs jobs;
  private final JobRunner runner;
  private final GroupDeletionLedger ledger;
  private final FeatureGroupDeletion deletion;
  private final ApplicationEventPublisher events;

  GroupDeletionJobs(
      Jobs jobs,
      @Lazy JobRunner runner,
      GroupDeletionLedger ledger,
      FeatureGroupDeletion deletion,
      ApplicationEventPublisher events) {
    super(KIND, true);
    this.jobs = jobs;
    this.runner = runner;
    this.ledger = ledger;
    this.deletion = deletion;
    this.events = events;
  }

  /** A deletion and the job running it. */
  record Submitted(GroupDeletion deletion, Job job) {}

  /**
   * Records the deletion (or finds the one under way) and makes sure a job runs it: this request's
   * job, unless the deletion's own job is still running or done.
   */
  Submitted submit(String groupName, DependentsPolicy policy, ApiKey requester) throws IOException {
    UUID jobId = UUID.randomUUID();
    GroupDeletion requested = deletion.request(groupName, policy, requester.name(), jobId);
    // The group left the online indexes: this server's drops it now, others when they hear.
    events.publishEvent(new FeatureGroupDefined(groupName));
    Optional<Job> earlier = jobs.find(requested.jobId());
    if (earlier.isPresent() && earlier.get().status() != JobStatus.FAILED) {
      return new Submitted(requested, earlier.get());
    }
    if (!requested.jobId().equals(jobId)) {
      ledger.reassign(requested.id(), jobId);
    }
    long planned = deletion.plannedSteps(groupName);
    Job job =
        runner.submit(
            jobId,
            KIND,
            "/api/v1/feature-group-deletions/" + requested.id(),
            planned,
            requester,
            work(requested.id(), planned));
    return new Submitted(ledger.find(requested.id()).orElseThrow(), job);
  }

  @Override
  public JobRunner.Work takeOver(Job job) {
    return work(ledger.findByJob(job.id()).orElseThrow().id(), job.total());
  }

  private JobRunner.Work work(UUID deletionId, long planned) {
    // Later listings may find objects a commit under way added: the total grows with them.
    return monitor ->
        deletion.delete(deletionId, done -> monitor.progress(done, Math.max(done, planned)));
  }
}
