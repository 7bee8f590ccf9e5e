package dev.featurestore.api.subjects;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditEntry;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditPage;
import dev.featurestore.core.audit.AuditQuery;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.lineage.LineageQueries;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyText;
import dev.featurestore.core.read.FeatureGroupVersions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subject access (GDPR art. 15): everything the store holds about one entity key, as a zip that
 * streams while it is written (rows batch by batch, audit entries page by page), so a key with many
 * rows never sits in memory whole.
 */
@Tag(name = Tags.ERASURE)
@RestController
@RequestMapping("/api/v1/subjects")
class SubjectAccessController {
  static final String ZIP = "application/zip";
  private static final int AUDIT_PAGE = 1000;

  private final Catalog catalog;
  private final FeatureGroupVersions versions;
  private final LineageQueries lineage;
  private final AuditLog auditLog;
  private final JsonMapper json;

  SubjectAccessController(
      Catalog catalog,
      FeatureGroupVersions versions,
      LineageQueries lineage,
      AuditLog auditLog,
      JsonMapper json) {
    this.catalog = catalog;
    this.versions = versions;
    this.lineage = lineage;
    this.auditLog = auditLog;
    this.json = json;
  }

  /** A group's part of the bundle: how many rows of the key it holds and which versions. */
  record GroupSummary(
      String name, long rows, long oldestReadableSequence, long latestSequence, String file) {}

  record Manifest(
      String entity,
      String key,
      Instant generatedAt,
      List<GroupSummary> featureGroups,
      int trainingSets,
      int models,
      long auditEntries) {}

  @Operation(
      operationId = "subjectAccess",
      summary = "Everything held about one entity key (GDPR art. 15)",
      description =
          "A zip: feature-groups/<group>.jsonl holds every stored row of the key in each group of"
              + " the entity, one JSON object per line with its event_time and the commit that"
              + " added it (_commit_sequence, _write_time: every version from that commit on"
              + " holds the row); lineage.json the training sets and models that used the key;"
              + " audit.jsonl the audit entries naming it (who read it), newest first;"
              + " manifest.json the counts and the versions each group still holds. The request"
              + " itself is audited first, so it is in the bundle.")
  @ApiResponse(
      responseCode = "200",
      description = "The bundle, as an attachment",
      headers =
          @Header(
              name = HttpHeaders.CONTENT_DISPOSITION,
              description = "attachment; filename=subject-<entity>.zip",
              schema = @Schema(type = "string")),
      content = @Content(mediaType = ZIP, schema = @Schema(type = "string", format = "binary")))
  @Problems(ErrorCode.OBJECT_STORE_UNAVAILABLE)
  @GetMapping(path = "/{entity}/{key}", produces = ZIP)
  ResponseEntity<StreamingResponseBody> bundle(
      @PathVariable String entity, @PathVariable("key") String keyAsGiven) throws IOException {
    Entity found =
        catalog
            .entity(entity)
            .orElseThrow(() -> new NotFoundException("entity '" + entity + "' not found"));
    String key = found.requireKey("key", keyAsGiven);
    // Read before the answer starts, so that a failure is still a problem answer.
    LineageQueries.KeyLineage used = lineage.forKey(found, key);
    auditLog.record(
        Caller.current()
            .did(AuditAction.SUBJECT_ACCESS, AuditTargetType.ENTITY_KEY, entity)
            .withEntity(entity)
            .withKeys(List.of(key)));
    StreamingResponseBody body = out -> write(out, found, key, used);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(ZIP))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename("subject-" + entity + ".zip")
                .build()
                .toString())
        .body(body);
  }

  private void write(OutputStream out, Entity entity, String key, LineageQueries.KeyLineage used)
      throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      List<GroupSummary> groups = new ArrayList<>();
      for (FeatureGroup group : catalog.featureGroups()) {
        if (group.entity().name().equals(entity.name())) {
          groups.add(writeRows(zip, group, key));
        }
      }
      zip.putNextEntry(new ZipEntry("lineage.json"));
      zip.write(json.writeValueAsBytes(used));
      zip.closeEntry();
      long auditEntries = writeAudit(zip, entity, key);
      zip.putNextEntry(new ZipEntry("manifest.json"));
      zip.write(
          json.writeValueAsBytes(
              new Manifest(
                  entity.name(),
                  key,
                  Instant.now(),
                  groups,
                  used.trainingSets().size(),
                  used.models().size(),
                  auditEntries)));
      zip.closeEntry();
    }
  }

  /**
   * Every row of the key in the group's latest version, which holds every row any version still
   * held does (compaction merges rows, erasure and retention remove them from every version).
   */
  private GroupSummary writeRows(ZipOutputStream zip, FeatureGroup group, String key)
      throws IOException {
    String file = "feature-groups/" + group.name() + ".jsonl";
    zip.putNextEntry(new ZipEntry(file));
    long latest = catalog.latestSequence(group.name());
    long[] rows = {0};
    try {
      versions
          .at(group, latest)
          .forEachBatchInStoredOrder(batch -> rows[0] += writeRowsOfKey(zip, batch, group, key));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    zip.closeEntry();
    return new GroupSummary(
        group.name(), rows[0], catalog.oldestReadableSequence(group.name()), latest, file);
  }

  private long writeRowsOfKey(
      ZipOutputStream zip, VectorSchemaRoot batch, FeatureGroup group, String key) {
    FieldVector keys = batch.getVector(group.entity().name());
    long written = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (keys.isNull(row) || !KeyText.of(keys, row, group.entity().keyType()).equals(key)) {
        continue;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (FieldVector column : batch.getFieldVectors()) {
        values.put(column.getName(), value(column, row));
      }
      try {
        zip.write(json.writeValueAsBytes(values));
        zip.write('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      written++;
    }
    return written;
  }

  /** A cell as JSON shows it: times as ISO-8601 instants, text as text, bytes as base64. */
  private static Object value(FieldVector column, int row) {
    if (column.isNull(row)) {
      return null;
    }
    if (column instanceof TimeStampVector times) {
      return EpochMicros.toInstant(times.get(row)).toString();
    }
    if (column instanceof VarCharVector text) {
      return new String(text.get(row), StandardCharsets.UTF_8);
    }
    return column.getObject(row);
  }

  /** The audit entries naming the key, newest first, read a page at a time; returns how many. */
  private long writeAudit(ZipOutputStream zip, Entity entity, String key) throws IOException {
    zip.putNextEntry(new ZipEntry("audit.jsonl"));
    AuditQuery query = AuditQuery.all(AUDIT_PAGE).withEntity(entity.name()).withKey(key);
    long entries = 0;
    Optional<Long> before = Optional.empty();
    do {
      AuditPage page = auditLog.find(before.map(query::withBefore).orElse(query));
      for (AuditEntry entry : page.entries()) {
        zip.write(json.writeValueAsBytes(entry));
        zip.write('\n');
        entries++;
      }
      before = page.nextBefore();
    } while (before.isPresent());
    zip.closeEntry();
    return entries;
  }
}
