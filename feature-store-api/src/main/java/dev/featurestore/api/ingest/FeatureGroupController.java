package dev.featurestore.api.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.pagination.PageRequest;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEvent;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.model.Classification;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.ErasedKeyPolicy;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyOrder;
import dev.featurestore.core.model.MaxAge;
import dev.featurestore.core.model.NameSuggestions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@Tag(name = Tags.FEATURE_GROUPS)
@RestController
@RequestMapping("/api/v1/feature-groups")
class FeatureGroupController {
  static final int DEFAULT_COMMITS_PER_PAGE = 1_000;
  static final int MAX_COMMITS_PER_PAGE = 10_000;

  private final Catalog catalog;
  private final AuditLog auditLog;
  private final ApplicationEventPublisher events;

  FeatureGroupController(Catalog catalog, AuditLog auditLog, ApplicationEventPublisher events) {
    this.catalog = catalog;
    this.auditLog = auditLog;
    this.events = events;
  }

  /** A feature's classification, when given, overrides its group's for it. */
  record FeatureRequest(
      String name,
      FeatureType type,
      Integer dimension,
      String description,
      Classification classification) {}

  record FeatureGroupRequest(
      String name,
      String entity,
      List<FeatureRequest> features,
      Duration ttl,
      Boolean online,
      String description,
      String owner,
      List<String> tags,
      String maxAge,
      Classification classification,
      ErasedKeyPolicy erasedKeys) {}

  /** What a PATCH may change; an absent field keeps its value. */
  record FeatureGroupChange(
      List<FeatureRequest> addFeatures,
      Boolean online,
      String description,
      String owner,
      List<String> tags,
      Map<String, String> featureDescriptions,
      String maxAge,
      Classification classification,
      Map<String, Classification> featureClassifications,
      ErasedKeyPolicy erasedKeys) {
    boolean describes() {
      return description != null || owner != null || tags != null || featureDescriptions != null;
    }

    boolean classifies() {
      return classification != null || featureClassifications != null;
    }

    Map<String, String> describedFeatures() {
      return featureDescriptions == null ? Map.of() : featureDescriptions;
    }

    Map<String, Classification> classifiedFeatures() {
      return featureClassifications == null ? Map.of() : featureClassifications;
    }
  }

  /** A group as the API shows it: its definition plus what its latest version holds. */
  record FeatureGroupView(
      String name,
      String entity,
      List<FeatureDefinition> features,
      Duration ttl,
      boolean online,
      String description,
      String owner,
      List<String> tags,
      String maxAge,
      Classification classification,
      ErasedKeyPolicy erasedKeys,
      int schemaVersion,
      long latestSequence,
      long commits,
      long rows,
      long files,
      String keyMin,
      String keyMax,
      Instant eventTimeMin,
      Instant eventTimeMax,
      // Absent unless archived, so that answers of groups in use read as before.
      @JsonInclude(JsonInclude.Include.NON_NULL) Instant archivedAt) {}

  @Operation(
      operationId = "createFeatureGroup",
      summary = "Define a feature group",
      description =
          "Typed features of one entity. Every row also carries the entity's key column and"
              + " event_time. ttl is an ISO-8601 duration (P30D); none or PT0S means values never"
              + " expire. online: true keeps the latest values in memory for online lookups."
              + " description, owner, tags (lowercase labels) and each feature's description make"
              + " it findable. maxAge (ISO-8601, P2Y) keeps rows for that long after their event"
              + " time: older rows are removed by the retention job and never served online."
              + " classification (PUBLIC, INTERNAL, PII, SENSITIVE; default INTERNAL) holds for"
              + " every feature that does not give its own; PII and SENSITIVE features are read"
              + " only with a grant. erasedKeys says what a commit holding a key that was erased"
              + " does: REFUSE (the default: 409 ERASED_KEY) or DROP (those rows are left out).")
  @ResponseStatus(HttpStatus.CREATED)
  @Problems(ErrorCode.CONFLICT)
  @PostMapping
  ResponseEntity<FeatureGroupView> create(@RequestBody FeatureGroupRequest request) {
    if (request.entity() == null) {
      throw new InvalidInputException("entity", "is required");
    }
    Entity entity =
        catalog
            .entity(request.entity())
            .orElseThrow(
                () ->
                    new InvalidInputException(
                        "entity", "entity '" + request.entity() + "' does not exist"));
    FeatureGroup group =
        catalog.createFeatureGroup(
            new FeatureGroup(
                request.name(),
                entity,
                features("features", request.features()),
                request.ttl() == null ? Duration.ZERO : request.ttl(),
                Boolean.TRUE.equals(request.online()),
                request.description(),
                1,
                request.owner(),
                request.tags(),
                request.maxAge() == null
                    ? MaxAge.FOREVER
                    : MaxAge.parse("maxAge", request.maxAge()),
                Objects.requireNonNullElse(request.classification(), Classification.DEFAULT),
                Objects.requireNonNullElse(request.erasedKeys(), ErasedKeyPolicy.REFUSE)));
    auditLog.record(
        Caller.current()
            .did(AuditAction.CREATE, AuditTargetType.FEATURE_GROUP, group.name())
            .withEntity(entity.name())
            .withDetail("features", group.features().size())
            .withDetail("owner", group.owner())
            .withDetail("tags", String.join(",", group.tags()))
            .withDetail("classification", group.classification().name())
            .withDetail("erasedKeys", group.erasedKeys().name()));
    events.publishEvent(new FeatureGroupDefined(group.name()));
    return ResponseEntity.created(URI.create("/api/v1/feature-groups/" + group.name()))
        .body(view(group));
  }

  @Operation(
      operationId = "listFeatureGroups",
      summary = "List feature groups",
      description =
          "By name, a page at a time (limit, pageToken; Link rel=\"next\"), optionally only"
              + " one entity's or only the online ones. Archived groups only with"
              + " includeArchived=true.")
  @GetMapping
  ResponseEntity<List<FeatureGroupView>> list(
      @RequestParam Optional<String> entity,
      @RequestParam Optional<Boolean> online,
      @RequestParam(defaultValue = "false") boolean includeArchived,
      @RequestParam Optional<Integer> limit,
      @RequestParam Optional<String> pageToken) {
    Map<String, Instant> archived = catalog.archivedGroups();
    List<FeatureGroup> matching =
        catalog.featureGroups().stream()
            .filter(group -> entity.isEmpty() || group.entity().name().equals(entity.get()))
            .filter(group -> online.isEmpty() || group.online() == online.get())
            .filter(group -> includeArchived || !archived.containsKey(group.name()))
            .toList();
    return PageRequest.of(limit, pageToken)
        .answer(
            matching,
            FeatureGroup::name,
            Comparator.naturalOrder(),
            group -> view(group, archived.get(group.name())));
  }

  @Operation(
      operationId = "getFeatureGroup",
      summary = "Get a feature group",
      description =
          "Its definition and what its latest version holds: commits, rows, files, key and"
              + " event-time ranges.")
  @GetMapping("/{name}")
  FeatureGroupView get(@PathVariable String name) {
    return view(group(name));
  }

  @Operation(
      operationId = "archiveFeatureGroup",
      summary = "Archive a feature group",
      description =
          "The group stays readable (its versions, training sets, lineage and online lookups"
              + " while it is marked online) but takes no commits or compactions (409) until it"
              + " is unarchived; lists leave it out unless includeArchived=true. Archiving an"
              + " archived group changes nothing.")
  @Problems(ErrorCode.CONFLICT)
  @PostMapping("/{name}/archive")
  FeatureGroupView archive(@PathVariable String name) {
    return changeArchival(name, AuditAction.ARCHIVE, catalog::archive);
  }

  @Operation(
      operationId = "unarchiveFeatureGroup",
      summary = "Unarchive a feature group",
      description = "The group takes commits again and is listed by default.")
  @Problems(ErrorCode.CONFLICT)
  @PostMapping("/{name}/unarchive")
  FeatureGroupView unarchive(@PathVariable String name) {
    return changeArchival(name, AuditAction.UNARCHIVE, catalog::unarchive);
  }

  /** Archives or unarchives the group ({@code change}), audited as {@code action}. */
  private FeatureGroupView changeArchival(
      String name, AuditAction action, Consumer<String> change) {
    FeatureGroup group = group(name);
    change.accept(name);
    auditLog.record(
        Caller.current()
            .did(action, AuditTargetType.FEATURE_GROUP, name)
            .withEntity(group.entity().name()));
    return view(group);
  }

  @Operation(
      operationId = "changeFeatureGroup",
      summary = "Add features, switch the online flag or change the group's documentation",
      description =
          "Schema evolution: added features are nullable, so earlier rows read them as null."
              + " online: true builds the group's online index; false drops it. description,"
              + " owner, tags and featureDescriptions (feature name to description) change the"
              + " documentation, classification and featureClassifications (feature name to"
              + " PUBLIC, INTERNAL, PII or SENSITIVE) who may read it, without a new schema"
              + " version; maxAge (ISO-8601, P2Y; PT0S: for ever) sets how long rows are kept;"
              + " erasedKeys (REFUSE or DROP) what commits holding erased keys do; fields left"
              + " out keep their value.")
  @PatchMapping("/{name}")
  FeatureGroupView change(@PathVariable String name, @RequestBody FeatureGroupChange change) {
    FeatureGroup group = group(name);
    boolean addsFeatures = change.addFeatures() != null;
    boolean redescribes = change.describes() || change.classifies();
    if (!addsFeatures
        && change.online() == null
        && !redescribes
        && change.maxAge() == null
        && change.erasedKeys() == null) {
      throw new InvalidInputException(
          "body",
          "name features to add (addFeatures), the online flag (online), documentation to"
              + " change (description, owner, tags, featureDescriptions), classifications"
              + " (classification, featureClassifications), how long rows are kept (maxAge) or"
              + " the erased-key policy (erasedKeys)");
    }
    if (addsFeatures && change.addFeatures().isEmpty()) {
      throw new InvalidInputException("addFeatures", "must list at least one feature");
    }
    // Every feature and the documentation are checked before anything changes.
    List<FeatureDefinition> added =
        addsFeatures ? features("addFeatures", change.addFeatures()) : List.of();
    if (redescribes) {
      redescribed(group.withFeaturesAdded(added), change);
    }
    Optional<MaxAge> maxAge =
        Optional.ofNullable(change.maxAge()).map(text -> MaxAge.parse("maxAge", text));
    FeatureGroup changed = addsFeatures ? catalog.addFeatures(name, added) : group;
    if (redescribes) {
      changed = catalog.describeFeatureGroup(redescribed(changed, change));
    }
    if (maxAge.isPresent()) {
      changed = catalog.retainFor(name, maxAge.get());
    }
    if (change.online() != null && change.online() != changed.online()) {
      changed = catalog.markOnline(name, change.online());
    }
    if (change.erasedKeys() != null && change.erasedKeys() != changed.erasedKeys()) {
      changed = catalog.setErasedKeyPolicy(name, change.erasedKeys());
    }
    AuditEvent entry =
        Caller.current()
            .did(AuditAction.UPDATE, AuditTargetType.FEATURE_GROUP, name)
            .withEntity(group.entity().name())
            .withDetail("addedFeatures", added.size())
            .withDetail("schemaVersion", changed.schemaVersion());
    if (change.online() != null) {
      entry = entry.withDetail("online", change.online());
    }
    if (maxAge.isPresent()) {
      entry = entry.withDetail("maxAge", maxAge.get().toString());
    }
    if (change.erasedKeys() != null) {
      entry = entry.withDetail("erasedKeys", change.erasedKeys().name());
    }
    if (change.describes()) {
      entry =
          entry
              .withDetail("owner", changed.owner())
              .withDetail("tags", String.join(",", changed.tags()))
              .withDetail(
                  "describedFeatures",
                  String.join(",", new TreeSet<>(change.describedFeatures().keySet())));
    }
    if (change.classifies()) {
      entry =
          entry
              .withDetail("classification", changed.classification().name())
              .withDetail(
                  "classifiedFeatures",
                  String.join(",", new TreeSet<>(change.classifiedFeatures().keySet())));
    }
    auditLog.record(entry);
    events.publishEvent(new FeatureGroupDefined(name));
    return view(changed);
  }

  /**
   * The group's commits with a sequence above {@code after}, oldest first, {@code limit} sequences
   * at most; when later commits exist, a {@code Link} header (rel="next") gives the next page.
   */
  @Operation(
      operationId = "listCommits",
      summary = "List a feature group's commits",
      description =
          "Oldest first, the commits with a sequence above `after`, `limit` at most; a Link"
              + " header (rel=\"next\") gives the next page.")
  @GetMapping("/{name}/commits")
  ResponseEntity<List<Commit>> commits(
      @PathVariable String name,
      @RequestParam(defaultValue = "0") long after,
      @RequestParam(defaultValue = "" + DEFAULT_COMMITS_PER_PAGE) int limit) {
    if (after < 0) {
      throw new InvalidInputException("after", "must be a commit sequence, 0 or more");
    }
    if (limit < 1 || limit > MAX_COMMITS_PER_PAGE) {
      throw new InvalidInputException(
          "limit", "must be between 1 and " + MAX_COMMITS_PER_PAGE + " commits");
    }
    FeatureGroup group = group(name);
    long through = after + Math.min(limit, Long.MAX_VALUE - after);
    List<Commit> page = catalog.commitsBetween(group.name(), after, through);
    ResponseEntity.BodyBuilder response = ResponseEntity.ok();
    if (through < catalog.latestSequence(group.name())) {
      URI next =
          UriComponentsBuilder.fromPath("/api/v1/feature-groups/{name}/commits")
              .queryParam("after", through)
              .queryParam("limit", limit)
              .buildAndExpand(group.name())
              .encode()
              .toUri();
      response.header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"");
    }
    return response.body(page);
  }

  /**
   * {@code group} with the documentation and classifications {@code change} names; what it leaves
   * out is kept.
   */
  private static FeatureGroup redescribed(FeatureGroup group, FeatureGroupChange change) {
    return group
        .describedAs(
            Objects.requireNonNullElse(change.description(), group.description()),
            Objects.requireNonNullElse(change.owner(), group.owner()),
            Objects.requireNonNullElse(change.tags(), group.tags()),
            change.describedFeatures())
        .classifiedAs(
            Objects.requireNonNullElse(change.classification(), group.classification()),
            change.classifiedFeatures());
  }

  private FeatureGroup group(String name) {
    return catalog.featureGroup(name).orElseThrow(() -> unknownGroup(catalog, name));
  }

  /** The 404 for a group named in a path, with the closest existing name when one is close. */
  static NotFoundException unknownGroup(Catalog catalog, String name) {
    List<String> known = catalog.featureGroups().stream().map(FeatureGroup::name).toList();
    return new NotFoundException(NameSuggestions.unknownGroup(name, known));
  }

  private static List<FeatureDefinition> features(String field, List<FeatureRequest> requests) {
    if (requests == null) {
      throw new InvalidInputException(field, "is required");
    }
    List<FeatureDefinition> features = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      FeatureRequest request = requests.get(i);
      String path = field + "[" + i + "]";
      if (request.type() == null) {
        throw new InvalidInputException(path + ".type", "is required");
      }
      try {
        features.add(
            new FeatureDefinition(
                request.name(),
                request.type(),
                request.dimension() == null ? 0 : request.dimension(),
                request.description(),
                Optional.ofNullable(request.classification())));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(
            path + "." + e.errors().get(0).field(), e.errors().get(0).message());
      }
    }
    return features;
  }

  private FeatureGroupView view(FeatureGroup group) {
    return view(group, catalog.archivedGroups().get(group.name()));
  }

  private FeatureGroupView view(FeatureGroup group, Instant archivedAt) {
    long latest = catalog.latestSequence(group.name());
    List<DataFile> files = catalog.dataFiles(group.name(), latest);
    long rows = 0;
    Instant eventTimeMin = null;
    Instant eventTimeMax = null;
    Comparator<String> keyOrder = KeyOrder.ofText(group.entity().keyType());
    String keyMin =
        files.stream().map(DataFile::keyMin).filter(Objects::nonNull).min(keyOrder).orElse(null);
    String keyMax =
        files.stream().map(DataFile::keyMax).filter(Objects::nonNull).max(keyOrder).orElse(null);
    for (DataFile file : files) {
      rows += file.rowCount();
      eventTimeMin = earlier(eventTimeMin, file.eventTimeMin());
      eventTimeMax = later(eventTimeMax, file.eventTimeMax());
    }
    return new FeatureGroupView(
        group.name(),
        group.entity().name(),
        group.features(),
        group.ttl(),
        group.online(),
        group.description(),
        group.owner(),
        group.tags(),
        group.maxAge().isForever() ? null : group.maxAge().toString(),
        group.classification(),
        group.erasedKeys(),
        group.schemaVersion(),
        latest,
        latest, // sequences number a group's commits 1, 2, 3...: no need to list them
        rows,
        files.size(),
        keyMin,
        keyMax,
        eventTimeMin,
        eventTimeMax,
        archivedAt);
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
