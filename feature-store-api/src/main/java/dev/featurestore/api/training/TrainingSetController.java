package dev.featurestore.api.training;

import dev.featurestore.api.jobs.JobRunner;
import dev.featurestore.api.openapi.JsonRows;
import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemJson;
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
import dev.featurestore.core.join.ConsentPolicy;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.security.ClassifiedFeature;
import dev.featurestore.core.training.ExpiredTrainingSetException;
import dev.featurestore.core.training.FeatureReference;
import dev.featurestore.core.training.InlineSpine;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetBuilder;
import dev.featurestore.core.training.TrainingSetCatalog;
import dev.featurestore.core.training.TrainingSetEngine;
import dev.featurestore.core.training.TrainingSetInput;
import dev.featurestore.core.training.TrainingSetListQuery;
import dev.featurestore.core.training.TrainingSetRequest;
import dev.featurestore.core.training.TrainingSetStatus;
import dev.featurestore.core.training.TrainingSetSummary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Training sets: an inline spine is joined while the request waits (201); a spine read from a
 * feature group or an upload becomes a job (202 with its location), since it may be large.
 */
@Tag(name = Tags.TRAINING_SETS)
@RestController
@RequestMapping("/api/v1/training-sets")
class TrainingSetController {
  /**
   * The fields of a request, of its spine and of a feature given as an object, in the docs' order.
   */
  private static final List<String> REQUEST_FIELDS =
      List.of(
          "name", "features", "spine", "asOf", "purpose", "consentPolicy", "retention", "engine");

  private static final List<String> SPINE_FIELDS = List.of("rows", "featureGroup", "upload");
  private static final List<String> FEATURE_FIELDS = List.of("feature", "as");

  private final TrainingSetBuilder builder;
  private final TrainingSetCatalog trainingSets;
  private final JobRunner jobRunner;
  private final JsonMapper json;
  private final AuditLog auditLog;
  private final TrainingSetBuildMetrics buildMetrics;
  private final TrainingSetReads reads;

  TrainingSetController(
      TrainingSetBuilder builder,
      TrainingSetCatalog trainingSets,
      JobRunner jobRunner,
      JsonMapper json,
      AuditLog auditLog,
      TrainingSetBuildMetrics buildMetrics,
      TrainingSetReads reads) {
    this.buildMetrics = buildMetrics;
    this.reads = reads;
    this.json = json;
    this.auditLog = auditLog;
    this.builder = builder;
    this.trainingSets = trainingSets;
    this.jobRunner = jobRunner;
  }

  record TrainingSetView(
      UUID id,
      String name,
      TrainingSetStatus status,
      long rows,
      long rowsErased,
      @Schema(
              description =
                  "Spine rows whose key had no consent for the request's purpose: left out of"
                      + " the rows (EXCLUDE) or kept with null features (NULL_FEATURES); 0"
                      + " without a purpose")
          long rowsWithoutConsent,
      Map<String, Long> catalogVersion,
      List<TrainingSetInput> inputs,
      String outputHash,
      Map<String, Long> timingsMillis,
      String error,
      UUID ownerKeyId,
      Instant createdAt,
      Instant completedAt,
      @Schema(description = "How long the output is kept after it was built; absent: for ever")
          String retention,
      @Schema(description = "When the output expires: completedAt plus the retention")
          Instant expiresAt,
      @Schema(description = "When the set became EXPIRED: no longer downloadable")
          Instant expiredAt,
      @Schema(description = "When its output object was deleted") Instant outputDeletedAt,
      @Schema(
              description = "The request as it was sent",
              implementation = TrainingSetRequestDocument.class)
          JsonNode request) {}

  /** A build that became a job: where to follow it, and the training set it will make. */
  record BuildAccepted(UUID jobId, UUID trainingSetId, JobStatus status) {}

  @Operation(
      operationId = "createTrainingSet",
      summary = "Build a training set",
      description =
          "Joins each spine row with the latest value of each feature at or before the row's"
              + " event_time (and within the group's TTL), as of the catalog version asOf names."
              + " An inline spine is joined while the request waits (201); a spine from a feature"
              + " group or an upload becomes a job (202, Location: the job).",
      requestBody =
          @io.swagger.v3.oas.annotations.parameters.RequestBody(
              required = true,
              content =
                  @Content(
                      mediaType = "application/json",
                      schema = @Schema(implementation = TrainingSetRequestDocument.class),
                      examples = @ExampleObject(value = TrainingSetRequestDocument.EXAMPLE))))
  @ApiResponse(
      responseCode = "201",
      description = "Built: the training set, READY",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = TrainingSetView.class)))
  @ApiResponse(
      responseCode = "202",
      description = "Accepted: a job builds it",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = BuildAccepted.class)))
  @Problems({
    ErrorCode.VERSION_EXPIRED,
    ErrorCode.OBJECT_STORE_UNAVAILABLE,
    ErrorCode.READ_NOT_GRANTED
  })
  @PostMapping
  ResponseEntity<?> create(@RequestBody JsonNode body) throws IOException {
    TrainingSetRequest request = parse(body);
    Caller caller = Caller.current();
    List<ClassifiedFeature> classified = reads.requireReadable(caller, request.features());
    TrainingSetBuilder.PreparedTrainingSet prepared = builder.prepare(request, caller.key());
    UUID id = prepared.trainingSet().id();
    auditLog.record(
        caller
            .did(AuditAction.BUILD, AuditTargetType.TRAINING_SET, id.toString())
            .withDetail("name", request.name())
            .withDetail("features", request.features().size()));
    reads.audit(caller, id, "build", classified);
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

  /** A training set as lists show it: without its request, inputs and timings. */
  record TrainingSetListItem(
      UUID id,
      String name,
      TrainingSetStatus status,
      long rows,
      String outputHash,
      String error,
      UUID ownerKeyId,
      Instant createdAt,
      Instant completedAt) {
    static TrainingSetListItem of(TrainingSetSummary set) {
      return new TrainingSetListItem(
          set.id(),
          set.name(),
          set.status(),
          set.rows(),
          set.outputHash().orElse(null),
          set.error().orElse(null),
          set.ownerKeyId().orElse(null),
          set.createdAt(),
          set.completedAt().orElse(null));
    }
  }

  @Operation(
      operationId = "listTrainingSets",
      summary = "List training sets",
      description =
          "The sets the caller may see, newest first, as summaries (GET one for its inputs and"
              + " request), a page at a time (limit, pageToken; Link rel=\"next\"); optionally"
              + " only those of a name or a status.")
  @GetMapping
  ResponseEntity<List<TrainingSetListItem>> list(
      @RequestParam Optional<String> name,
      @RequestParam Optional<TrainingSetStatus> status,
      @RequestParam Optional<Integer> limit,
      @RequestParam Optional<String> pageToken) {
    PageRequest page = PageRequest.of(limit, pageToken);
    TrainingSetListQuery query =
        new TrainingSetListQuery(
            name,
            status,
            Caller.current().key().visibleOwner(),
            page.after().map(TrainingSetController::position),
            page.fetchSize());
    return page.answerFetched(
        trainingSets.list(query),
        TrainingSetController::newestFirstCursor,
        TrainingSetListItem::of);
  }

  /** Creation time in microseconds, zero-padded so that strings sort as numbers, then the id. */
  private static String newestFirstCursor(TrainingSetSummary set) {
    return String.format(Locale.ROOT, "%020d", EpochMicros.of(set.createdAt())) + "/" + set.id();
  }

  private static TrainingSetListQuery.Position position(String cursor) {
    int slash = cursor.indexOf('/');
    try {
      return new TrainingSetListQuery.Position(
          EpochMicros.toInstant(Long.parseLong(cursor.substring(0, Math.max(slash, 0)))),
          UUID.fromString(cursor.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "pageToken", "is not a page token: pass the one from the previous page's Link header");
    }
  }

  @Operation(
      operationId = "getTrainingSet",
      summary = "Get a training set",
      description =
          "Its status, rows, the catalog version (each group's commit sequence) it read, its"
              + " inputs, the output's hash, timings and the request as sent.")
  @GetMapping("/{id}")
  TrainingSetView get(@PathVariable UUID id) {
    return view(find(id));
  }

  @Operation(
      operationId = "downloadTrainingSet",
      summary = "Download a training set's rows",
      description =
          "The spine's columns in spine order, then the features in request order; one row per"
              + " spine row, in spine order. The format is negotiated from Accept (q-values"
              + " honoured) or chosen by ?format=parquet|arrow|csv|json; Parquet when any will"
              + " do. 400 while the set is not READY; 410 once it EXPIRED (its output deleted).")
  @ApiResponse(
      responseCode = "200",
      description = "The rows, as an attachment",
      headers =
          @Header(
              name = HttpHeaders.CONTENT_DISPOSITION,
              description = "attachment; filename=<name>-<id>.<extension>",
              schema = @Schema(type = "string")),
      content = {
        @Content(
            mediaType = TrainingSetDownloadConverter.PARQUET,
            schema = @Schema(type = "string", format = "binary")),
        @Content(
            mediaType = TrainingSetDownloadConverter.ARROW_STREAM,
            schema = @Schema(type = "string", format = "binary")),
        @Content(mediaType = "text/csv", schema = @Schema(type = "string")),
        @Content(mediaType = "application/json", schema = @Schema(implementation = JsonRows.class))
      })
  @ApiResponse(
      responseCode = "406",
      description = "Neither Accept nor format names one of the four formats",
      content =
          @Content(
              mediaType = ProblemJson.MEDIA_TYPE,
              schema = @Schema(ref = "#/components/schemas/Problem")))
  @Problems({
    ErrorCode.OBJECT_STORE_UNAVAILABLE,
    ErrorCode.READ_NOT_GRANTED,
    ErrorCode.TRAINING_SET_EXPIRED
  })
  @GetMapping(
      path = "/{id}/data",
      produces = {
        TrainingSetDownloadConverter.PARQUET,
        TrainingSetDownloadConverter.ARROW_STREAM,
        "text/csv",
        "application/json"
      })
  TrainingSetDownloadConverter.Download data(
      @PathVariable UUID id,
      @Parameter(
              description = "Overrides Accept",
              schema = @Schema(allowableValues = {"parquet", "arrow", "csv", "json"}))
          @RequestParam(name = "format", required = false)
          String format) {
    TrainingSet set = find(id);
    if (set.status() == TrainingSetStatus.EXPIRED) {
      throw new ExpiredTrainingSetException(set);
    }
    if (set.status() != TrainingSetStatus.READY) {
      throw new InvalidInputException(
          "id", "training set " + id + " is " + set.status() + ", not READY");
    }
    reads.requireReadable(Caller.current(), set, "download");
    return new TrainingSetDownloadConverter.Download(set);
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
        set.rowsWithoutConsent(),
        set.catalogVersion(),
        set.inputs(),
        set.outputHash().orElse(null),
        set.timingsMillis(),
        set.error().orElse(null),
        set.ownerKeyId().orElse(null),
        set.createdAt(),
        set.completedAt().orElse(null),
        set.retention().retention().isForever() ? null : set.retention().retention().toString(),
        set.retention().expiresAt().orElse(null),
        set.retention().expiredAt().orElse(null),
        set.retention().outputDeletedAt().orElse(null),
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
    List<FeatureReference> references = featureReferences(body);
    Optional<String> asOf = optionalString(body, "asOf", "asOf");
    String name = optionalString(body, "name", "name").orElse(null);
    Optional<String> purpose = optionalString(body, "purpose", "purpose");
    return new TrainingSetRequest(
        name,
        inline,
        spineGroup,
        spineUpload,
        references,
        asOf,
        purpose,
        consentPolicy(body, purpose),
        optionalString(body, "retention", "retention")
            .map(given -> MaxAge.parse("retention", given))
            .orElse(MaxAge.FOREVER),
        optionalString(body, "engine", "engine")
            .map(engine -> TrainingSetEngine.parse("engine", engine))
            .orElse(TrainingSetEngine.SERVER),
        body.toString());
  }

  /** EXCLUDE unless the request says otherwise; only a request with a purpose may say so. */
  private static ConsentPolicy consentPolicy(JsonNode body, Optional<String> purpose) {
    Optional<String> policy = optionalString(body, "consentPolicy", "consentPolicy");
    if (policy.isEmpty()) {
      return ConsentPolicy.EXCLUDE;
    }
    if (purpose.isEmpty()) {
      throw new InvalidInputException(
          "consentPolicy", "applies to a training set with a purpose; name its purpose");
    }
    try {
      return ConsentPolicy.valueOf(policy.get());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "consentPolicy", "must be one of " + Arrays.toString(ConsentPolicy.values()));
    }
  }

  /** The request's {@code features}, each as {@code "group:feature"} or {"feature","as"}. */
  static List<FeatureReference> featureReferences(JsonNode body) {
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
    return references;
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
