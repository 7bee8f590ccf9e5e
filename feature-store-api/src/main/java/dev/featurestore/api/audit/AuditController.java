package dev.featurestore.api.audit;

import dev.featurestore.api.openapi.Tags;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.audit.AuditEntry;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditPage;
import dev.featurestore.core.audit.AuditQuery;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.model.EpochMicros;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Who did what, when: the audit log, newest first, a page at a time. */
@Tag(name = Tags.AUDIT)
@RestController
class AuditController {
  private static final int DEFAULT_LIMIT = 100;

  private final AuditLog auditLog;

  AuditController(AuditLog auditLog) {
    this.auditLog = auditLog;
  }

  record AuditEntryView(
      long id,
      Instant occurredAt,
      String principal,
      Optional<UUID> apiKeyId,
      String action,
      String targetType,
      String target,
      Optional<String> entity,
      List<String> keyDigests,
      Map<String, Object> details) {
    static AuditEntryView of(AuditEntry entry) {
      var event = entry.event();
      return new AuditEntryView(
          entry.id(),
          entry.occurredAt(),
          event.principal(),
          event.apiKeyId(),
          event.action().name(),
          event.targetType().name(),
          event.target(),
          event.entity(),
          event.keys(),
          event.details());
    }
  }

  record AuditPageView(List<AuditEntryView> entries, Optional<Long> nextBefore) {}

  /**
   * Entries matching every given filter: {@code entity} and {@code key} (an entity key, as in
   * lineage), {@code targetType} and {@code target}, {@code apiKey} (the acting key's id), {@code
   * since} (an instant); {@code before} is the {@code nextBefore} of the previous page.
   */
  @Operation(
      operationId = "findAuditEntries",
      summary = "Search the audit log",
      description =
          "Newest first, the entries matching every filter given; pass the answer's nextBefore"
              + " as before for the next page.")
  @GetMapping("/api/v1/audit")
  AuditPageView find(
      @RequestParam Optional<String> entity,
      @RequestParam Optional<String> key,
      @RequestParam Optional<String> targetType,
      @RequestParam Optional<String> target,
      @RequestParam Optional<String> apiKey,
      @RequestParam Optional<String> since,
      @RequestParam Optional<Long> before,
      @RequestParam Optional<Integer> limit) {
    AuditQuery query = AuditQuery.all(limit.orElse(DEFAULT_LIMIT));
    query = entity.isPresent() ? query.withEntity(entity.get()) : query;
    if (key.isPresent() && entity.isEmpty()) {
      // Keys are stored as keyed digests of entity and key: without the entity none can match.
      throw new InvalidInputException("entity", "is required with key");
    }
    query = key.isPresent() ? query.withKey(key.get()) : query;
    if (target.isPresent() != targetType.isPresent()) {
      throw new InvalidInputException(
          target.isPresent() ? "targetType" : "target", "target and targetType go together");
    }
    query =
        target.isPresent()
            ? query.withTarget(parseTargetType(targetType.get()), target.get())
            : query;
    query = apiKey.isPresent() ? query.withApiKeyId(parseApiKey(apiKey.get())) : query;
    query = since.isPresent() ? query.withSince(parseSince(since.get())) : query;
    query = before.isPresent() ? query.withBefore(before.get()) : query;
    AuditPage page = auditLog.find(query);
    return new AuditPageView(
        page.entries().stream().map(AuditEntryView::of).toList(), page.nextBefore());
  }

  private static AuditTargetType parseTargetType(String value) {
    try {
      return AuditTargetType.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "targetType", "must be one of " + List.of(AuditTargetType.values()));
    }
  }

  private static UUID parseApiKey(String value) {
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("apiKey", "must be an API key id (a UUID)");
    }
  }

  private static Instant parseSince(String value) {
    try {
      return EpochMicros.requireInRange("since", Instant.parse(value));
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("since", "must be an ISO-8601 instant");
    }
  }
}
