package dev.featurestore.api.discovery;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ForbiddenException;
import dev.featurestore.api.security.Caller;
import dev.featurestore.api.security.ReadAccess;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.discovery.Discovery;
import dev.featurestore.core.discovery.FeatureStatistics;
import dev.featurestore.core.discovery.GroupStatistics;
import dev.featurestore.core.discovery.RowPreview;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.NameSuggestions;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a group's data looks like: per-feature statistics (a sub-resource rather than fields of the
 * group, since they merge every file's statistics and take their own {@code asOf}), and a preview
 * of its most recent rows for the roles that read feature values.
 */
@Tag(name = Tags.DISCOVERY)
@RestController
@RequestMapping("/api/v1/feature-groups/{name}")
class FeatureGroupDiscoveryController {
  /**
   * The roles that read feature values in their work (training sets, online lookups) and may so
   * preview rows; COMPLIANCE may see a group and its statistics but not browse its rows, and
   * MODEL_SERVER keys see no group at all (the access rules answer them 404).
   */
  static final Set<Role> VALUE_READERS = Set.of(Role.ADMIN, Role.DATA_SCIENTIST);

  private final Catalog catalog;
  private final Discovery discovery;
  private final AuditLog auditLog;
  private final ReadAccess readAccess;

  FeatureGroupDiscoveryController(
      Catalog catalog, Discovery discovery, AuditLog auditLog, ReadAccess readAccess) {
    this.readAccess = readAccess;
    this.catalog = catalog;
    this.discovery = discovery;
    this.auditLog = auditLog;
  }

  /**
   * @param min the least non-null value (a number, boolean, ISO-8601 instant or string; strings cut
   *     to 64 characters); null when there is none or the type has no order
   */
  record FeatureStatisticsView(
      String name,
      FeatureType type,
      long nullCount,
      Object min,
      Object max,
      long distinctEstimate) {}

  record GroupStatisticsView(
      String group,
      long sequence,
      long rows,
      long rowsWithoutStatistics,
      List<FeatureStatisticsView> features) {}

  record PreviewView(String group, long sequence, List<Map<String, Object>> rows) {}

  @Operation(
      operationId = "getFeatureGroupStatistics",
      summary = "Per-feature statistics of a feature group",
      description =
          "Null count, least and greatest value (orderable types) and an estimate of distinct"
              + " values (HyperLogLog, about 2% error) per feature, computed when each file was"
              + " written and merged over the files of the latest version, or of the version"
              + " current at asOf (an ISO-8601 write time). rowsWithoutStatistics counts rows of"
              + " files written before statistics were.")
  @Problems(ErrorCode.VERSION_EXPIRED)
  @GetMapping("/statistics")
  GroupStatisticsView statistics(@PathVariable String name, @RequestParam Optional<String> asOf) {
    FeatureGroup group = group(name);
    Optional<Instant> writeTime =
        asOf.map(text -> EpochMicros.toInstant(EpochMicros.parse("asOf", text)));
    GroupStatistics statistics = discovery.statistics(group, writeTime);
    return new GroupStatisticsView(
        statistics.group(),
        statistics.sequence(),
        statistics.rows(),
        statistics.rowsWithoutStatistics(),
        statistics.features().stream()
            .map(
                feature -> {
                  FeatureType type = feature.definition().type();
                  FeatureStatistics values = feature.statistics();
                  return new FeatureStatisticsView(
                      feature.definition().name(),
                      type,
                      values.nullCount(),
                      values.min().map(text -> typed(type, text)).orElse(null),
                      values.max().map(text -> typed(type, text)).orElse(null),
                      values.distinctEstimate());
                })
            .toList());
  }

  @Operation(
      operationId = "previewFeatureGroup",
      summary = "The most recent rows of a feature group",
      description =
          "The limit (default 20, at most 1000) rows of the latest version with the latest event"
              + " times, newest first, every feature included. For ADMIN and DATA_SCIENTIST keys;"
              + " a COMPLIANCE key gets 403. Audited.")
  @Problems(ErrorCode.FORBIDDEN)
  @GetMapping("/preview")
  PreviewView preview(
      @PathVariable String name,
      @RequestParam(defaultValue = "" + RowPreview.DEFAULT_LIMIT) int limit)
      throws IOException {
    Caller caller = Caller.current();
    FeatureGroup group = group(name);
    if (!VALUE_READERS.contains(caller.key().role())) {
      throw new ForbiddenException(
          "a "
              + caller.key().role()
              + " key may not read the rows of feature group '"
              + name
              + "'; ADMIN and DATA_SCIENTIST keys may");
    }
    // Rows hold every feature: PII and SENSITIVE ones need the caller's grant, as in a training
    // set.
    List<ClassifiedFeature> classified =
        readAccess.requireReadableOffline(caller.key(), ClassifiedFeature.allOf(group));
    RowPreview preview = discovery.preview(group, limit);
    auditLog.record(
        caller
            .did(AuditAction.PREVIEW, AuditTargetType.FEATURE_GROUP, group.name())
            .withEntity(group.entity().name())
            .withDetail("rows", preview.rows().size())
            .withDetail(
                "classifiedFeatures",
                String.join(
                    ",", classified.stream().map(ClassifiedFeature::feature).sorted().toList())));
    return new PreviewView(preview.group(), preview.sequence(), preview.rows());
  }

  /** A canonical statistics text as the JSON value of its type. */
  private static Object typed(FeatureType type, String text) {
    return switch (type) {
      case BOOL -> Boolean.parseBoolean(text);
      case INT32, INT64 -> Long.parseLong(text);
      case FLOAT32, FLOAT64 -> {
        double value = Double.parseDouble(text);
        // JSON has no infinities: written as the words, as training-set downloads do.
        yield Double.isInfinite(value) ? text : value;
      }
      case TIMESTAMP -> EpochMicros.toInstant(Long.parseLong(text));
      case STRING, BYTES, FLOAT32_VECTOR -> text;
    };
  }

  private FeatureGroup group(String name) {
    return catalog
        .featureGroup(name)
        .orElseThrow(
            () ->
                new NotFoundException(
                    NameSuggestions.unknownGroup(
                        name, catalog.featureGroups().stream().map(FeatureGroup::name).toList())));
  }
}
