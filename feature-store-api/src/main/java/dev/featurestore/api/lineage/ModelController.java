package dev.featurestore.api.lineage;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.models.ModelRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = Tags.MODELS)
@RestController
@RequestMapping("/api/v1/models")
class ModelController {
  private final ModelRegistry models;
  private final AuditLog auditLog;

  ModelController(ModelRegistry models, AuditLog auditLog) {
    this.models = models;
    this.auditLog = auditLog;
  }

  record ModelRequest(String name, String version, List<UUID> trainingSets, String uri) {}

  @Operation(
      operationId = "registerModel",
      summary = "Register a model version",
      description =
          "With the training sets it learned from, so that lineage and erasure receipts can name"
              + " it.")
  @ResponseStatus(HttpStatus.CREATED)
  @Problems(ErrorCode.CONFLICT)
  @PostMapping
  ResponseEntity<Model> register(@RequestBody ModelRequest request) {
    Caller caller = Caller.current();
    Model model =
        models.register(
            request.name(),
            request.version(),
            request.uri(),
            request.trainingSets() == null ? List.of() : request.trainingSets(),
            caller.key());
    auditLog.record(
        caller
            .did(AuditAction.CREATE, AuditTargetType.MODEL, model.name() + "/" + model.version())
            .withDetail("trainingSets", model.trainingSets().size()));
    return ResponseEntity.created(
            URI.create("/api/v1/models/" + model.name() + "/versions/" + model.version()))
        .body(model);
  }

  /** The models the caller may see. */
  @Operation(
      operationId = "listModels",
      summary = "List model versions",
      description =
          "By name and version, a page at a time (limit, pageToken; Link rel=\"next\"),"
              + " optionally of one name only.")
  @GetMapping
  ResponseEntity<List<Model>> list(
      @RequestParam Optional<String> name,
      @RequestParam Optional<Integer> limit,
      @RequestParam Optional<String> pageToken) {
    List<Model> visible =
        models.visibleTo(Caller.current().key()).stream()
            .filter(model -> name.isEmpty() || model.name().equals(name.get()))
            .toList();
    // Names cannot hold '/', so name/version orders each name's versions together.
    return PageRequest.of(limit, pageToken)
        .answer(
            visible,
            model -> model.name() + "/" + model.version(),
            Comparator.naturalOrder(),
            Function.identity());
  }

  /** Another key's model is not found, unless the caller may see every key's. */
  @Operation(operationId = "getModel", summary = "Get a model version")
  @GetMapping("/{name}/versions/{version}")
  Model get(@PathVariable String name, @PathVariable String version) {
    return models.find(name, version, Caller.current().key());
  }
}
