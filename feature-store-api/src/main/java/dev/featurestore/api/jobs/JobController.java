package dev.featurestore.api.jobs;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.ConflictException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = Tags.JOBS)
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {
  private final Jobs jobs;

  private final JobRunner runner;

  JobController(Jobs jobs, JobRunner runner) {
    this.jobs = jobs;
    this.runner = runner;
  }

  record Progress(long done, long total) {}

  record JobView(
      UUID id,
      String kind,
      JobStatus status,
      Progress progress,
      String result,
      String error,
      boolean cancelRequested,
      UUID ownerKeyId,
      Instant createdAt,
      Instant finishedAt) {
    static JobView of(Job job) {
      return new JobView(
          job.id(),
          job.kind(),
          job.status(),
          new Progress(job.done(), job.total()),
          job.result().orElse(null),
          job.error().orElse(null),
          job.cancelRequested(),
          job.ownerKeyId().orElse(null),
          job.createdAt(),
          job.finishedAt().orElse(null));
    }
  }

  @Operation(
      operationId = "getJob",
      summary = "Get a job",
      description =
          "Poll until status is SUCCEEDED, FAILED or CANCELLED; result is then the URI of what it"
              + " made.")
  @GetMapping("/{id}")
  JobView get(@PathVariable UUID id) {
    return JobView.of(find(id));
  }

  /**
   * Asks the job to stop: a PENDING job is CANCELLED at once; a RUNNING one stops at its next batch
   * boundary, stores nothing, and is then CANCELLED. A finished job is left as it is. Only its
   * owner and ADMIN may cancel it: the access rules keep COMPLIANCE out, and another data
   * scientist's job is not found.
   */
  @Operation(
      operationId = "cancelJob",
      summary = "Cancel a job",
      description =
          "A PENDING job is cancelled at once, a RUNNING one at its next batch boundary, storing"
              + " nothing. Erasures cannot be cancelled (409).")
  @Problems(ErrorCode.CONFLICT)
  @PostMapping("/{id}/cancel")
  JobView cancel(@PathVariable UUID id) {
    Job job = find(id);
    if (runner.mustFinish(job.kind())) {
      throw new ConflictException(
          job.kind() + " jobs run to the end, across restarts, and cannot be cancelled");
    }
    jobs.cancel(id);
    return JobView.of(find(id));
  }

  /** Another key's job is not found, unless the caller may see every key's. */
  private Job find(UUID id) {
    return jobs.find(id)
        .filter(Caller.current()::maySee)
        .orElseThrow(() -> new NotFoundException("job " + id + " not found"));
  }
}
