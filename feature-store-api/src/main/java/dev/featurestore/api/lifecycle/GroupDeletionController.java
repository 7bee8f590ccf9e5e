package dev.featurestore.api.lifecycle;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.ErasureReceipt.ModelVersion;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.lifecycle.DependentsPolicy;
import dev.featurestore.core.lifecycle.GroupDeletion;
import dev.featurestore.core.lifecycle.GroupDeletionLedger;
import dev.featurestore.core.lifecycle.GroupDeletionReceipt;
import dev.featurestore.core.lifecycle.GroupDependents;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.NameSuggestions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Deleting a feature group (a job), and its receipt. */
@Tag(name = Tags.FEATURE_GROUPS)
@RestController
class GroupDeletionController {
  private final GroupDeletionJobs deletionJobs;
  private final GroupDeletionLedger ledger;
  private final Jobs jobs;
  private final Catalog catalog;
  private final AuditLog auditLog;

  GroupDeletionController(
      GroupDeletionJobs deletionJobs,
      GroupDeletionLedger ledger,
      Jobs jobs,
      Catalog catalog,
      AuditLog auditLog) {
    this.deletionJobs = deletionJobs;
    this.ledger = ledger;
    this.jobs = jobs;
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  /** A deletion's answer at once: its id (for its receipt) and its job's. */
  record DeletionAccepted(UUID id, UUID jobId, JobStatus status) {}

  record DeletionView(
      UUID id,
      String featureGroup,
      DependentsPolicy policy,
      UUID jobId,
      JobStatus status,
      long objectsDeleted,
      List<GroupDependents.TrainingSetName> trainingSetsToRebuild,
      List<ModelVersion> modelsToRetrain,
      Instant createdAt,
      Instant completedAt) {}

  @Operation(
      operationId = "deleteFeatureGroup",
      summary = "Delete a feature group and every file of it",
      description =
          "Refused (409, naming them in trainingSets and models) while training sets read the"
              + " group or models were trained on those, unless force=true. A job removes every"
              + " object of every version from the object store, then the group leaves the"
              + " catalog and its name is free. From the request on the group takes no commits"
              + " and is not served online. Asking again while it runs answers the same"
              + " deletion. GET /api/v1/feature-group-deletions/{id} is the receipt.")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @Problems({ErrorCode.CONFLICT, ErrorCode.OBJECT_STORE_UNAVAILABLE})
  @DeleteMapping("/api/v1/feature-groups/{name}")
  ResponseEntity<DeletionAccepted> delete(
      @PathVariable String name, @RequestParam(defaultValue = "false") boolean force)
      throws IOException {
    FeatureGroup group =
        catalog
            .featureGroup(name)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        NameSuggestions.unknownGroup(
                            name,
                            catalog.featureGroups().stream().map(FeatureGroup::name).toList())));
    Caller caller = Caller.current();
    GroupDeletionJobs.Submitted submitted =
        deletionJobs.submit(
            group.name(),
            force ? DependentsPolicy.DELETE_ANYWAY : DependentsPolicy.REFUSE,
            caller.key());
    GroupDeletionReceipt receipt = submitted.deletion().receipt();
    auditLog.record(
        caller
            .did(AuditAction.DELETE, AuditTargetType.FEATURE_GROUP, group.name())
            .withEntity(group.entity().name())
            .withDetail("deletion", submitted.deletion().id().toString())
            .withDetail("force", force)
            .withDetail("trainingSetsToRebuild", receipt.trainingSetsToRebuild().size())
            .withDetail("modelsToRetrain", receipt.modelsToRetrain().size()));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/api/v1/jobs/" + submitted.job().id()))
        .body(
            new DeletionAccepted(
                submitted.deletion().id(), submitted.job().id(), submitted.job().status()));
  }

  @Operation(
      operationId = "getFeatureGroupDeletion",
      summary = "Get a feature group deletion's receipt",
      description =
          "Objects deleted, the training sets to rebuild and the models to retrain; completedAt"
              + " once done.")
  @GetMapping("/api/v1/feature-group-deletions/{id}")
  DeletionView get(@PathVariable UUID id) {
    GroupDeletion deletion =
        ledger.find(id).orElseThrow(() -> new NotFoundException("deletion " + id + " not found"));
    GroupDeletionReceipt receipt = deletion.receipt();
    return new DeletionView(
        deletion.id(),
        deletion.featureGroup(),
        deletion.policy(),
        deletion.jobId(),
        jobs.find(deletion.jobId()).map(job -> job.status()).orElse(JobStatus.PENDING),
        receipt.objectsDeleted(),
        receipt.trainingSetsToRebuild(),
        receipt.modelsToRetrain(),
        deletion.createdAt(),
        receipt.completedAt().orElse(null));
  }
}
