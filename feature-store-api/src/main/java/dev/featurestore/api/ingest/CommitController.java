package dev.featurestore.api.ingest;

import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.RowsBody;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.UnsupportedUploadFormatException;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.ingest.FeatureGroupWriter;
import dev.featurestore.core.ingest.RowFormat;
import dev.featurestore.core.ingest.RowFormats;
import dev.featurestore.core.ingest.RowMediaTypes;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.model.FeatureGroup;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Appends rows to a feature group: the body is the rows, in the format its Content-Type names. */
@Tag(name = Tags.COMMITS)
@RestController
class CommitController {
  private final FeatureGroupWriter writer;
  private final RowFormats formats;
  private final UploadSpooler spooler;
  private final Catalog catalog;
  private final AuditLog auditLog;
  private final ApplicationEventPublisher events;
  private final CommitMetrics metrics;

  CommitController(
      FeatureGroupWriter writer,
      RowFormats formats,
      UploadSpooler spooler,
      Catalog catalog,
      AuditLog auditLog,
      ApplicationEventPublisher events,
      CommitMetrics metrics) {
    this.writer = writer;
    this.formats = formats;
    this.spooler = spooler;
    this.catalog = catalog;
    this.auditLog = auditLog;
    this.events = events;
    this.metrics = metrics;
  }

  record CommitView(
      UUID commitId,
      String featureGroup,
      long sequence,
      Instant writeTime,
      long rows,
      List<UUID> files,
      long droppedErasedRows) {
    static CommitView of(Commit commit) {
      return new CommitView(
          commit.id(),
          commit.featureGroup(),
          commit.sequence(),
          commit.writeTime(),
          commit.rows(),
          commit.files(),
          commit.droppedErasedRows());
    }
  }

  @Operation(
      operationId = "commitRows",
      summary = "Append rows to a feature group",
      description =
          "The body is the rows, in the format its Content-Type names. Every row carries the"
              + " entity's key column and event_time; a column the group does not define, a"
              + " missing key or a value of the wrong type refuses the whole commit, naming the"
              + " row and column. A retry with the same Idempotency-Key answers the first"
              + " commit and writes nothing. Rows whose key was erased refuse the commit (409"
              + " ERASED_KEY, naming the rows), or, where the group's erasedKeys is DROP, are left"
              + " out and counted in droppedErasedRows.")
  @RowsBody({
    RowMediaTypes.JSON,
    RowMediaTypes.CSV,
    RowMediaTypes.PARQUET,
    RowMediaTypes.ARROW_STREAM
  })
  @ResponseStatus(HttpStatus.CREATED)
  @Problems({
    ErrorCode.CONFLICT,
    ErrorCode.ERASED_KEY,
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.OBJECT_STORE_UNAVAILABLE,
    ErrorCode.COMMIT_STATE_UNKNOWN
  })
  @PostMapping(path = "/api/v1/feature-groups/{name}/commits", consumes = "*/*")
  ResponseEntity<CommitView> commit(
      @PathVariable String name,
      @Parameter(
              description =
                  "Any string unique to this batch of rows: a retry with the same key answers"
                      + " the first commit and writes nothing")
          @RequestHeader(name = "Idempotency-Key", required = false)
          String idempotencyKey,
      HttpServletRequest request)
      throws IOException {
    RowFormat format =
        formats
            .ofContentType(request.getContentType())
            .orElseThrow(() -> new UnsupportedUploadFormatException(request.getContentType()));
    FeatureGroup group =
        catalog
            .featureGroup(name)
            .orElseThrow(() -> FeatureGroupController.unknownGroup(catalog, name));
    SpooledUpload upload = spooler.spool(request.getInputStream(), request.getContentLengthLong());
    try {
      Caller caller = Caller.current();
      long started = System.nanoTime();
      Commit commit;
      try {
        commit =
            writer.append(name, format, upload, Optional.ofNullable(idempotencyKey), caller.name());
      } catch (Throwable e) {
        metrics.failed(name, format, System.nanoTime() - started);
        throw e;
      }
      metrics.committed(
          name, format, commit.rows(), upload.byteSize(), System.nanoTime() - started);
      // Counts and ids only: the rows' values must not outlive an erasure in the audit log.
      auditLog.record(
          caller
              .did(AuditAction.COMMIT, AuditTargetType.FEATURE_GROUP, name)
              .withEntity(group.entity().name())
              .withDetail("commitId", commit.id())
              .withDetail("sequence", commit.sequence())
              .withDetail("rows", commit.rows())
              .withDetail("files", commit.files().size())
              .withDetail("droppedErasedRows", commit.droppedErasedRows())
              .withDetail("format", format.name()));
      events.publishEvent(new FeatureGroupCommitted(commit.featureGroup(), commit.sequence()));
      return ResponseEntity.created(
              URI.create("/api/v1/feature-groups/" + name + "/commits/" + commit.id()))
          .body(CommitView.of(commit));
    } finally {
      Files.deleteIfExists(upload.file());
    }
  }
}
