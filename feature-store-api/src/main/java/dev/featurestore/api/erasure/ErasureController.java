package dev.featurestore.api.erasure;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.Erasure;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.erasure.ErasureReceipt;
import dev.featurestore.core.erasure.KeyDigests;
import dev.featurestore.core.erasure.RetentionRun;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.jobs.Jobs;
import dev.featurestore.core.model.Entity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Erasure of keys everywhere (compliance): a job, then a receipt. */
@Tag(name = Tags.ERASURE)
@RestController
@RequestMapping("/api/v1/erasures")
class ErasureController {
  /** Keys per request: enough for a batch of requests from data subjects, small enough to audit. */
  static final int MAX_KEYS = 10_000;

  private final ErasureJobs erasureJobs;
  private final ErasureLedger erasures;
  private final Jobs jobs;
  private final Catalog catalog;
  private final AuditLog auditLog;
  private final KeyDigests keyDigests;
  private final ApplicationEventPublisher events;

  ErasureController(
      ErasureJobs erasureJobs,
      ErasureLedger erasures,
      Jobs jobs,
      Catalog catalog,
      AuditLog auditLog,
      KeyDigests keyDigests,
      ApplicationEventPublisher events) {
    this.keyDigests = keyDigests;
    this.events = events;
    this.erasureJobs = erasureJobs;
    this.erasures = erasures;
    this.jobs = jobs;
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  record ErasureRequest(String entity, List<String> keys, String reason) {}

  /**
   * An erasure's answer at once: its id (also its job's, for {@code GET /api/v1/jobs/{id}}), and
   * the keys the caller asked to erase beside the digests by which the catalog remembers them. This
   * answer is the only one that shows the keys; the receipt ({@code GET}) shows only the digests.
   */
  record ErasureAccepted(
      UUID id, UUID jobId, JobStatus status, List<String> keys, List<String> keyDigests) {}

  /**
   * An erasure's receipt; a run of the retention by age also names its {@code featureGroup} and the
   * event time it removed rows before ({@code removedBefore}). {@code icebergSnapshotsExpired}
   * counts, over every Iceberg table served at /iceberg, the snapshots it expired because they
   * named a file it rewrote; {@code icebergSnapshotsExpiredByTable} per table.
   */
  record ErasureView(
      UUID id,
      String entity,
      int keyCount,
      List<String> keyDigests,
      String reason,
      String featureGroup,
      Instant removedBefore,
      JobStatus status,
      long filesRewritten,
      long rowsRemoved,
      List<UUID> trainingSetsAffected,
      List<ErasureReceipt.ModelVersion> modelsToRetrain,
      List<ErasureReceipt.UnreadableObject> unreadableObjects,
      @Schema(
              description =
                  "Snapshots of the Iceberg tables served at /iceberg that the erasure expired"
                      + " because they named a file it rewrote: time travel to them is gone."
                      + " Snapshots no engine could read (made and expired in one catch-up) are"
                      + " not counted.")
          long icebergSnapshotsExpired,
      @Schema(
              description =
                  "icebergSnapshotsExpired per table, named as engines name it"
                      + " (feature_groups.<group>, training_sets.<id>); tables with none are left"
                      + " out, as are tables no engine ever loaded, which have no snapshots.")
          Map<String, Long> icebergSnapshotsExpiredByTable,
      Instant createdAt,
      Instant completedAt) {}

  @Operation(
      operationId = "eraseKeys",
      summary = "Erase keys everywhere",
      description =
          "Removes every row of the keys from every feature group of the entity (rewriting the"
              + " files that hold them), from online indexes and from training-set outputs; a job"
              + " that runs to the end across restarts. GET /api/v1/erasures/{id} is then the"
              + " receipt. Each key gets a tombstone at once, so that it stays erased. This"
              + " answer alone shows the keys; the catalog keeps only their keyed digests.")
  @ResponseStatus(HttpStatus.ACCEPTED)
  @Problems(ErrorCode.OBJECT_STORE_UNAVAILABLE)
  @PostMapping
  ResponseEntity<ErasureAccepted> erase(@RequestBody ErasureRequest request) {
    Entity entity = entityOf(request);
    List<String> keys = keysOf(request, entity);
    Caller caller = Caller.current();
    Job job =
        erasureJobs.submit(
            entity, keys, request.reason() == null ? "" : request.reason(), caller.key());
    events.publishEvent(new TombstonesChanged());
    // The erased keys' digests are kept in the audit log (who asked to erase whom), never values.
    auditLog.record(
        caller
            .did(AuditAction.ERASE, AuditTargetType.ENTITY_KEY, job.id().toString())
            .withEntity(entity.name())
            .withKeys(keys)
            .withDetail("keys", keys.size()));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/api/v1/jobs/" + job.id()))
        .body(
            new ErasureAccepted(
                job.id(),
                job.id(),
                job.status(),
                keys,
                keys.stream().map(key -> keyDigests.digest(entity.name(), key)).toList()));
  }

  @Operation(
      operationId = "getErasure",
      summary = "Get an erasure's receipt",
      description =
          "Files rewritten, rows removed, the training sets affected and the models to retrain,"
              + " and the Iceberg snapshots expired because they named a rewritten file;"
              + " completedAt once done. Also the receipt of a run of the retention by age (the"
              + " job's result), which names featureGroup and removedBefore.")
  @GetMapping("/{id}")
  ErasureView get(@PathVariable UUID id) {
    Erasure erasure =
        erasures.find(id).orElseThrow(() -> new NotFoundException("erasure " + id + " not found"));
    Job job = jobs.find(id).orElseThrow();
    ErasureReceipt receipt = erasure.receipt();
    Optional<RetentionRun> retention = erasures.retentionRun(id);
    return new ErasureView(
        erasure.id(),
        erasure.entity(),
        erasure.keyCount(),
        erasure.keyDigests(),
        erasure.reason(),
        retention.map(RetentionRun::featureGroup).orElse(null),
        retention.map(RetentionRun::removedBefore).orElse(null),
        job.status(),
        receipt.filesRewritten(),
        receipt.rowsRemoved(),
        receipt.trainingSetsAffected(),
        receipt.modelsToRetrain(),
        receipt.unreadableObjects(),
        receipt.snapshotsExpired(),
        receipt.snapshotsExpiredByTable(),
        erasure.createdAt(),
        receipt.completedAt().orElse(null));
  }

  private Entity entityOf(ErasureRequest request) {
    if (request.entity() == null || request.entity().isBlank()) {
      throw new InvalidInputException("entity", "is required");
    }
    return catalog
        .entity(request.entity())
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "entity", "entity '" + request.entity() + "' does not exist"));
  }

  private static List<String> keysOf(ErasureRequest request, Entity entity) {
    if (request.keys() == null || request.keys().isEmpty()) {
      throw new InvalidInputException("keys", "name at least one key to erase");
    }
    if (request.keys().size() > MAX_KEYS) {
      throw new InvalidInputException(
          "keys", "at most " + MAX_KEYS + " keys per erasure, not " + request.keys().size());
    }
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < request.keys().size(); i++) {
      String field = "keys[" + i + "]";
      entity
          .problemWithKey(request.keys().get(i))
          .ifPresent(problem -> errors.add(new FieldError(field, problem)));
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return request.keys().stream().map(entity::canonicalKey).distinct().toList();
  }
}
