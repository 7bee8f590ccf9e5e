package dev.featurestore.api.training;

import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.api.problems.UnknownJsonField;
import dev.featurestore.api.security.Caller;
import dev.featurestore.api.training.TrainingSetBuildMetrics.Mode;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.jobs.Job;
import dev.featurestore.core.jobs.JobStatus;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetDownloads;
import dev.featurestore.core.training.TrainingSetInput;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.core.training.TrainingSetStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training sets: an inline spine is joined while the request waits (201); a spine read from a
 * feature group or an upload becomes a job (202 with its location), since it may be large.
 */
@RestController
@RequestMapping("/api/v1/training-sets")
class TrainingSetController {
  static final String PARQUET = "application/vnd.apache.parquet";
  static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

  /**
   * The fields of a request, of its spine and of a feature given as an object, in the docs' order.
   */
  private static final List<String> REQUEST_FIELDS = List.of("name", "features", "spine", "asOf");

  private static final List<String> SPINE_FIELDS = List.of("rows", "featureGroup", "upload");
  private static final List<String> FEATURE_FIELDS = List.of("feature", "as");

  private final TrainingSetBuilder builder;
  private final TrainingSetCatalog trainingSets;
  private final JobRunner jobRunner;
  private final ObjectStore objects;
  private final TrainingSetDownloads downloads;
  private final JsonMapper json;
  private final AuditLog auditLog;
  private final TrainingSetBuildMetrics buildMetrics;

  TrainingSetController(
      TrainingSetBuilder builder,
      TrainingSetCatalog trainingSets,
      JobRunner jobRunner,
      ObjectStore objects,
      TrainingSetDownloads downloads,
      JsonMapper json,
      AuditLog auditLog,
      TrainingSetBuildMetrics buildMetrics) {
    this.buildMetrics = buildMetrics;
    this.json = json;
    this.auditLog = auditLog;
    this.builder = builder;
    this.trainingSets = trainingSets;
    this.jobRunner = jobRunner;
    this.objects = objects;
    this.downloads = downloads;
  }

  record TrainingSetView(
      UUID id,
      String name,
      TrainingSetStatus status,
      long rows,
      long rowsErased,
      Map<String, Long> catalogVersion,
      List<TrainingSetInput> inputs,
      String outputHash,
      Map<String, Long> timingsMillis,
      String error,
      UUID ownerKeyId,
      Instant createdAt,
      Instant completedAt,
      JsonNode request) {}

  /** A build that became a job: where to follow it, and the training set it will make. */
  record BuildAccepted(UUID jobId, UUID trainingSetId, JobStatus status) {}

  @PostMapping
  ResponseEntity<?> create(@RequestBody JsonNode body) throws IOException {
    TrainingSetRequest request = parse(body);
    Caller caller = Caller.current();
    TrainingSetBuilder.PreparedTrainingSet prepared = builder.prepare(request, caller.key());
    UUID id = prepared.trainingSet().id();
    auditLog.record(
        caller
            .did(AuditAction.BUILD, AuditTargetType.TRAINING_SET, id.toString())
            .withDetail("name", request.name())
            .withDetail("features", request.features().size()));
    if (request.inlineSpine().isPresent()) {
      TrainingSet ready = buildMetrics.timed(Mode.INLINE, () -> builder.materialize(prepared));
      return ResponseEntity.created(URI.create("/api/v1/training-sets/" + id)).body(view(ready));
    }
    Job job =
        jobRunner.submit(
            id,
            TrainingSetLeases.KIND,
            "/api/v1/training-sets/" + id,
            Math.max(0, prepared.spineRowHint()),
            caller.key(),
            monitor -> buildMetrics.timed(Mode.JOB, () -> builder.materialize(prepared, monitor)));
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create("/api/v1/jobs/" + job.id()))
        .body(new BuildAccepted(job.id(), id, job.status()));
  }

  /** The training sets the caller may see, newest first. */
  @GetMapping
  List<TrainingSetView> list() {
    Caller caller = Caller.current();
    return trainingSets.list().stream().filter(caller::maySee).map(this::view).toList();
  }

  @GetMapping("/{id}")
  TrainingSetView get(@PathVariable UUID id) {
    return view(find(id));
  }

  /**
   * The output, streamed: Parquet as stored, or converted to an Arrow IPC stream, CSV or JSON row
   * group by row group.
   */
  @GetMapping("/{id}/data")
  ResponseEntity<StreamingResponseBody> data(
      @PathVariable UUID id,
      @RequestParam(name = "format", required = false) String format,
      @RequestHeader(name = HttpHeaders.ACCEPT, required = false) String accept)
      throws IOException {
    TrainingSet set = find(id);
    if (set.status() != TrainingSetStatus.READY) {
      throw new InvalidInputException(
          "id", "training set " + id + " is " + set.status() + ", not READY");
    }
    String objectKey = set.outputObjectKey().orElseThrow();
    String mediaType = mediaType(format, accept);
    if (mediaType.equals(PARQUET)) {
      return ResponseEntity.ok()
          .contentType(MediaType.parseMediaType(PARQUET))
          .header(HttpHeaders.ETAG, "\"" + set.outputHash().orElseThrow() + "\"")
          .body(
              out -> {
                try (InputStream in = objects.get(objectKey)) {
                  in.transferTo(out);
                }
              });
    }
    TrainingSetDownloads.Format downloadFormat =
        switch (mediaType) {
          case ARROW_STREAM -> TrainingSetDownloads.Format.ARROW_STREAM;
          case "text/csv" -> TrainingSetDownloads.Format.CSV;
          case "application/json" -> TrainingSetDownloads.Format.JSON;
          default -> throw new IllegalStateException("no download format for " + mediaType);
        };
    TrainingSetDownloads.Download download = downloads.prepare(set, downloadFormat);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(mediaType))
        .body(download::writeTo);
  }

  private static String mediaType(String format, String accept) {
    String wanted = format != null ? format : accept;
    if (wanted == null
        || wanted.contains("*/*")
        || wanted.contains(PARQUET)
        || "parquet".equals(wanted)) {
      return PARQUET;
    }
    if (wanted.contains(ARROW_STREAM) || "arrow".equals(wanted)) {
      return ARROW_STREAM;
    }
    if (wanted.contains("text/csv") || "csv".equals(wanted)) {
      return "text/csv";
    }
    if (wanted.contains("application/json") || "json".equals(wanted)) {
      return "application/json";
    }
    throw new InvalidInputException(
        format != null ? "format" : "Accept",
        "'" + wanted + "' is not a download format: parquet, arrow, csv or json");
  }

  /** Another key's training set is not found, unless the caller may see every key's. */
  private TrainingSet find(UUID id) {
    return trainingSets
        .find(id)
        .filter(Caller.current()::maySee)
        .orElseThrow(() -> new NotFoundException("training set " + id + " not found"));
  }

  private TrainingSetView view(TrainingSet set) {
    return new TrainingSetView(
        set.id(),
        set.name(),
        set.status(),
        set.rows(),
        set.rowsErased(),
        set.catalogVersion(),
        set.inputs(),
        set.outputHash().orElse(null),
        set.timingsMillis(),
        set.error().orElse(null),
        set.ownerKeyId().orElse(null),
        set.createdAt(),
        set.completedAt().orElse(null),
        json.readTree(set.requestJson()));
  }

  private static TrainingSetRequest parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException("body", "expected a JSON object");
    }
    UnknownJsonField.check(body, "", REQUEST_FIELDS);
    JsonNode spine = body.path("spine");
    if (!spine.isObject()) {
      throw new InvalidInputException(
          "spine",
          "is required: {\"rows\":[...]}, {\"featureGroup\":\"...\"} or {\"upload\":\"<id>\"}");
    }
    UnknownJsonField.check(spine, "spine", SPINE_FIELDS);
    Optional<InlineSpine> inline = Optional.empty();
    if (spine.has("rows")) {
      if (!spine.get("rows").isArray()) {
        throw new InvalidInputException("spine.rows", "must be an array of row objects");
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      int index = 0;
      for (JsonNode row : spine.get("rows")) {
        if (!row.isObject()) {
          throw new InvalidInputException("spine.rows[" + index + "]", "must be an object");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> cell : row.properties()) {
          values.put(
              cell.getKey(), scalar(cell.getValue(), "spine.rows[" + index + "]." + cell.getKey()));
        }
        rows.add(values);
        index++;
      }
      inline = Optional.of(new InlineSpine(rows));
    }
    Optional<String> spineGroup = optionalString(spine, "featureGroup", "spine.featureGroup");
    Optional<UUID> spineUpload = Optional.empty();
    Optional<String> upload = optionalString(spine, "upload", "spine.upload");
    if (upload.isPresent()) {
      try {
        spineUpload = Optional.of(UUID.fromString(upload.get()));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            "spine.upload", "is not an upload id (from POST /api/v1/uploads)");
      }
    }
    JsonNode features = body.path("features");
    if (!features.isArray()) {
      throw new InvalidInputException("features", "is required: a list of \"group:feature\"");
    }
    List<FeatureReference> references = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      JsonNode feature = features.get(i);
      String field = "features[" + i + "]";
      if (feature.isString()) {
        references.add(FeatureReference.parse(field, feature.asString(), Optional.empty()));
      } else if (feature.isObject()) {
        UnknownJsonField.check(feature, field, FEATURE_FIELDS);
        references.add(
            FeatureReference.parse(
                field + ".feature",
                optionalString(feature, "feature", field + ".feature").orElse(null),
                optionalString(feature, "as", field + ".as")));
      } else {
        throw new InvalidInputException(
            field, "expected \"group:feature\" or {\"feature\",\"as\"}");
      }
    }
    Optional<String> asOf = optionalString(body, "asOf", "asOf");
    String name = optionalString(body, "name", "name").orElse(null);
    return new TrainingSetRequest(
        name, inline, spineGroup, spineUpload, references, asOf, body.toString());
  }

  /** A property that must be a string when given; empty when absent or null. */
  private static Optional<String> optionalString(JsonNode object, String property, String field) {
    JsonNode value = object.get(property);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isString()) {
      throw new InvalidInputException(field, "must be a string");
    }
    return Optional.of(value.stringValue());
  }

  private static Object scalar(JsonNode value, String field) {
    if (value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber()) {
      if (!value.canConvertToLong()) {
        throw new InvalidInputException(field, "is beyond the 64-bit integer range");
      }
      return value.asLong();
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isString()) {
      return value.asString();
    }
    throw new InvalidInputException(field, "spine values must be strings, numbers or booleans");
  }
}
