package dev.featurestore.api.erasure;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lineage.KeyUse;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * What an erasure of these keys would do, without doing it: the feature groups whose files it would
 * rewrite (and the commits that wrote the keys' rows), the training sets whose outputs it would
 * rewrite, and the models to retrain. Built on the lineage of each key, so it says what lineage
 * says; the console shows it as the confirmation before an erasure.
 */
@Tag(name = Tags.ERASURE)
@RestController
class ErasurePreviewController {
  /** Each key is looked up in every group of its entity: a preview is for a handful of keys. */
  static final int MAX_KEYS = 100;

  private final LineageQueries lineage;
  private final Catalog catalog;
  private final AuditLog auditLog;

  ErasurePreviewController(LineageQueries lineage, Catalog catalog, AuditLog auditLog) {
    this.lineage = lineage;
    this.catalog = catalog;
    this.auditLog = auditLog;
  }

  record PreviewRequest(String entity, List<String> keys) {}

  /** A group to rewrite: the commits that wrote rows of the keys, and how many of the keys. */
  record GroupToRewrite(String name, Set<LineageQueries.CommitReference> commits, int keys) {}

  record TrainingSetToRewrite(UUID id, String name, Set<KeyUse> usedAs) {}

  record ErasurePreview(
      String entity,
      List<String> keys,
      List<GroupToRewrite> featureGroupsToRewrite,
      List<TrainingSetToRewrite> trainingSetsToRewrite,
      List<LineageQueries.ModelReference> modelsToRetrain) {}

  @Operation(
      operationId = "previewErasure",
      summary = "Preview what erasing keys would change",
      description =
          "A dry run: the feature groups (and commits) holding rows of the keys, the training"
              + " sets that used them and the models to retrain; nothing changes. At most "
              + MAX_KEYS
              + " keys. Audited.")
  @PostMapping("/api/v1/erasures/preview")
  ErasurePreview preview(@RequestBody PreviewRequest request) throws IOException {
    Entity entity = existingEntity(request.entity());
    List<String> keys = canonicalKeys(entity, request.keys());
    Map<String, GroupToRewrite> groups = new TreeMap<>();
    Map<UUID, TrainingSetToRewrite> trainingSets = new LinkedHashMap<>();
    Set<LineageQueries.ModelReference> models = new LinkedHashSet<>();
    for (String key : keys) {
      LineageQueries.KeyLineage keyLineage = lineage.forKey(entity, key);
      for (LineageQueries.GroupUse use : keyLineage.featureGroups()) {
        GroupToRewrite known =
            groups.getOrDefault(use.name(), new GroupToRewrite(use.name(), Set.of(), 0));
        Set<LineageQueries.CommitReference> commits = new LinkedHashSet<>(known.commits());
        commits.addAll(use.commits());
        groups.put(use.name(), new GroupToRewrite(use.name(), commits, known.keys() + 1));
      }
      for (LineageQueries.TrainingSetUse use : keyLineage.trainingSets()) {
        if (use.expiredAt().isPresent()) {
          continue; // its output is deleted: nothing left to rewrite
        }
        Set<KeyUse> usedAs = EnumSet.copyOf(use.usedAs());
        TrainingSetToRewrite known = trainingSets.get(use.id());
        if (known != null) {
          usedAs.addAll(known.usedAs());
        }
        trainingSets.put(use.id(), new TrainingSetToRewrite(use.id(), use.name(), usedAs));
      }
      models.addAll(keyLineage.models());
    }
    auditLog.record(
        Caller.current()
            .did(AuditAction.LINEAGE_QUERY, AuditTargetType.ENTITY_KEY, entity.name())
            .withEntity(entity.name())
            .withKeys(keys)
            .withDetail("erasurePreview", true)
            .withDetail("trainingSets", trainingSets.size())
            .withDetail("models", models.size()));
    return new ErasurePreview(
        entity.name(),
        keys,
        List.copyOf(groups.values()),
        List.copyOf(trainingSets.values()),
        List.copyOf(models));
  }

  private Entity existingEntity(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidInputException("entity", "is required");
    }
    return catalog
        .entity(name)
        .orElseThrow(
            () -> new InvalidInputException("entity", "entity '" + name + "' does not exist"));
  }

  /** The keys in their canonical spelling, once each; every malformed key is named. */
  private static List<String> canonicalKeys(Entity entity, List<String> keys) {
    if (keys == null || keys.isEmpty() || keys.size() > MAX_KEYS) {
      throw new InvalidInputException(
          "keys", "name between 1 and " + MAX_KEYS + " keys to preview an erasure of");
    }
    List<FieldError> problems = new ArrayList<>();
    Set<String> canonical = new LinkedHashSet<>();
    int index = 0;
    for (String key : keys) {
      String field = "keys[" + index++ + "]";
      entity
          .problemWithKey(key)
          .map(problem -> new FieldError(field, problem))
          .ifPresentOrElse(problems::add, () -> canonical.add(entity.canonicalKey(key)));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return List.copyOf(canonical);
  }
}
