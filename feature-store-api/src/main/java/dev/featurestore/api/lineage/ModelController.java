package dev.featurestore.api.lineage;

import dev.featurestore.api.security.Caller;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.models.Model;
import dev.featurestore.core.models.ModelRegistry;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

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
  @GetMapping
  List<Model> list() {
    return models.visibleTo(Caller.current().key());
  }

  /** Another key's model is not found, unless the caller may see every key's. */
  @GetMapping("/{name}/versions/{version}")
  Model get(@PathVariable String name, @PathVariable String version) {
    return models.find(name, version, Caller.current().key());
  }
}
