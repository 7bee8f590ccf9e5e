package dev.featurestore.api.lineage;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.erasure.ErasureLedger;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** "Which models used this person's data?" and its reverse; every query is audited. */
@Tag(name = Tags.LINEAGE)
@RestController
@RequestMapping("/api/v1/lineage")
class LineageController {
  private final LineageQueries lineage;
  private final Catalog catalog;
  private final AuditLog auditLog;
  private final ErasureLedger erasures;
  private final Timer keyQueries;
  private final Timer modelQueries;
  private final Timer groupQueries;

  LineageController(
      LineageQueries lineage,
      Catalog catalog,
      AuditLog auditLog,
      ErasureLedger erasures,
      MeterRegistry registry) {
    this.lineage = lineage;
    this.catalog = catalog;
    this.auditLog = auditLog;
    this.erasures = erasures;
    this.keyQueries = queryTimer(registry, "key");
    this.modelQueries = queryTimer(registry, "model");
    this.groupQueries = queryTimer(registry, "feature_group");
  }

  /** The lineage query's own time, without the audit record and the erasures of a key. */
  private static Timer queryTimer(MeterRegistry registry, String query) {
    return Timer.builder("feature_store.lineage.queries")
        .description("Lineage queries by what they start from, with their latency")
        .tag("query", query)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(registry);
  }

  /** An erasure of the key, as lineage shows it. */
  record ErasureOfKey(UUID id, Instant createdAt, Instant completedAt) {}

  /** The lineage of a key, with the erasures that removed its rows since. */
  record KeyLineageAnswer(
      String entity,
      String key,
      List<LineageQueries.GroupUse> featureGroups,
      List<LineageQueries.TrainingSetUse> trainingSets,
      List<LineageQueries.ModelReference> models,
      List<ErasureOfKey> erasures) {}

  @Operation(
      operationId = "keyLineage",
      summary = "Where a key's data went",
      description =
          "The groups holding the key's rows, the training sets that used them (as spine or"
              + " features), the models trained on those, and the erasures of the key. Audited.")
  @GetMapping("/entities/{entity}/keys/{key}")
  KeyLineageAnswer forKey(@PathVariable String entity, @PathVariable("key") String keyAsGiven)
      throws IOException {
    Entity found =
        catalog
            .entity(entity)
            .orElseThrow(() -> new NotFoundException("entity '" + entity + "' not found"));
    String key = found.requireKey("key", keyAsGiven);
    Timer.Sample sample = Timer.start();
    LineageQueries.KeyLineage answer;
    try {
      answer = lineage.forKey(found, key);
    } finally {
      sample.stop(keyQueries);
    }
    auditLog.record(
        Caller.current()
            .did(AuditAction.LINEAGE_QUERY, AuditTargetType.ENTITY_KEY, entity)
            .withEntity(entity)
            .withKeys(List.of(key))
            .withDetail("trainingSets", answer.trainingSets().size())
            .withDetail("models", answer.models().size()));
    List<ErasureOfKey> erased =
        erasures.erasuresOf(entity, key).stream()
            .map(
                erasure ->
                    new ErasureOfKey(
                        erasure.id(),
                        erasure.createdAt(),
                        erasure.receipt().completedAt().orElse(null)))
            .toList();
    return new KeyLineageAnswer(
        answer.entity(),
        answer.key(),
        answer.featureGroups(),
        answer.trainingSets(),
        answer.models(),
        erased);
  }

  @Operation(
      operationId = "modelLineage",
      summary = "What a model version learned from",
      description = "Its training sets and the feature groups and commits they read. Audited.")
  @GetMapping("/models/{name}/versions/{version}")
  LineageQueries.ModelLineage forModel(@PathVariable String name, @PathVariable String version) {
    Caller caller = Caller.current();
    LineageQueries.ModelLineage answer =
        modelQueries.record(() -> lineage.forModel(name, version, caller.key()));
    auditLog.record(
        caller.did(AuditAction.LINEAGE_QUERY, AuditTargetType.MODEL, name + "/" + version));
    return answer;
  }

  @Operation(
      operationId = "featureGroupLineage",
      summary = "Where a feature group's data went",
      description =
          "The training sets that read the group and the models trained on them. Audited.")
  @GetMapping("/feature-groups/{name}")
  LineageQueries.GroupLineage forGroup(@PathVariable String name) {
    Caller caller = Caller.current();
    LineageQueries.GroupLineage answer =
        groupQueries.record(() -> lineage.forGroup(name, caller.key()));
    auditLog.record(caller.did(AuditAction.LINEAGE_QUERY, AuditTargetType.FEATURE_GROUP, name));
    return answer;
  }
}
