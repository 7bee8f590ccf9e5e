package dev.featurestore.api.training;

import dev.featurestore.api.ingest.UploadSpooler;
import dev.featurestore.api.openapi.JsonRows;
import dev.featurestore.api.openapi.Problems;
import dev.featurestore.api.openapi.RowsBody;
import dev.featurestore.api.openapi.Tags;
import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.UnsupportedUploadFormatException;
import dev.featurestore.api.security.Caller;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.audit.AuditAction;
import dev.featurestore.core.audit.AuditLog;
import dev.featurestore.core.audit.AuditTargetType;
import dev.featurestore.core.ingest.RowMediaTypes;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.training.SpineFormat;
import dev.featurestore.core.training.SpineUploader;
import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spines uploaded as files (Parquet, Arrow IPC stream or CSV), checked on arrival and kept in the
 * object store, for training-set requests to name as {@code "spine":{"upload":"<id>"}}.
 */
@Tag(name = Tags.UPLOADS)
@RestController
@RequestMapping("/api/v1/uploads")
class UploadController {
  private final UploadSpooler spooler;
  private final SpineUploader uploader;
  private final Uploads uploads;
  private final AuditLog auditLog;

  UploadController(
      UploadSpooler spooler, SpineUploader uploader, Uploads uploads, AuditLog auditLog) {
    this.spooler = spooler;
    this.uploader = uploader;
    this.uploads = uploads;
    this.auditLog = auditLog;
  }

  record UploadView(
      UUID id,
      String contentType,
      long byteSize,
      long rows,
      List<Upload.Column> columns,
      String createdBy,
      UUID ownerKeyId,
      Instant createdAt) {
    static UploadView of(Upload upload) {
      return new UploadView(
          upload.id(),
          upload.contentType(),
          upload.byteSize(),
          upload.rows(),
          upload.columns(),
          upload.createdBy(),
          upload.ownerKeyId().orElse(null),
          upload.createdAt());
    }
  }

  @Operation(
      operationId = "uploadSpine",
      summary = "Upload a spine file",
      description =
          "A spine too large to send inline: CSV with a header row, Parquet or an Arrow IPC"
              + " stream, with the entity's key column and event_time. It is checked on arrival;"
              + " a training-set request then names it as {\"spine\":{\"upload\":\"<id>\"}}.")
  @RowsBody(
      value = {RowMediaTypes.CSV, RowMediaTypes.PARQUET, RowMediaTypes.ARROW_STREAM},
      csvExample = JsonRows.SPINE_CSV_EXAMPLE)
  @ResponseStatus(HttpStatus.CREATED)
  @Problems({
    ErrorCode.PAYLOAD_TOO_LARGE,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ErrorCode.OBJECT_STORE_UNAVAILABLE
  })
  @PostMapping(consumes = "*/*")
  ResponseEntity<UploadView> upload(HttpServletRequest request) throws IOException {
    String contentType = request.getContentType();
    SpineFormat format =
        uploader
            .formatOf(contentType)
            .orElseThrow(
                () -> new UnsupportedUploadFormatException(contentType, uploader.mediaTypes()));
    SpooledUpload spooled = spooler.spool(request.getInputStream(), request.getContentLengthLong());
    try {
      Caller caller = Caller.current();
      Upload upload = uploader.upload(format, spooled, caller.name(), caller.key().id());
      auditLog.record(
          caller
              .did(AuditAction.CREATE, AuditTargetType.UPLOAD, upload.id().toString())
              .withDetail("rows", upload.rows())
              .withDetail("bytes", upload.byteSize())
              .withDetail("format", format.name()));
      return ResponseEntity.created(URI.create("/api/v1/uploads/" + upload.id()))
          .body(UploadView.of(upload));
    } finally {
      Files.deleteIfExists(spooled.file());
    }
  }

  /**
   * Another key's upload is not found, unless the caller may see every key's (ADMIN, COMPLIANCE).
   */
  @Operation(operationId = "getUpload", summary = "Get an upload's description")
  @GetMapping("/{id}")
  UploadView get(@PathVariable UUID id) {
    return UploadView.of(
        uploads
            .find(id)
            .filter(Caller.current()::maySee)
            .orElseThrow(() -> new NotFoundException("upload " + id + " not found")));
  }
}
