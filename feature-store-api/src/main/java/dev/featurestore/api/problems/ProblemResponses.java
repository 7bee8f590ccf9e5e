package dev.featurestore.api.problems;

import dev.featurestore.api.online.OnlineIndexUnavailableException;
import dev.featurestore.core.ConflictException;
import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.UploadTooLargeException;
import dev.featurestore.core.catalog.ArchivedGroupException;
import dev.featurestore.core.catalog.CatalogUnavailableException;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.catalog.ExpiredVersionException;
import dev.featurestore.core.ingest.ErasedKeyException;
import dev.featurestore.core.lifecycle.GroupInUseException;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import dev.featurestore.core.security.ReadNotGrantedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.memory.OutOfMemoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Maps every failure to an RFC 9457 problem+json answer, once, in one place: the core's exceptions
 * to their status, and Spring MVC's own (bad JSON, wrong media type, unknown path) through the base
 * class. Bad data is a 400; a fault of the object store, of the catalog's connection, or a commit
 * whose outcome is unknown a 503; anything else a 500 whose error id the log line carries.
 */
@RestControllerAdvice
class ProblemResponses extends ResponseEntityExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemResponses.class);
  private static final Duration RETRY_AFTER_OUT_OF_MEMORY = Duration.ofSeconds(5);

  @ExceptionHandler
  ResponseEntity<ProblemDetail> invalidInput(InvalidInputException e) {
    return problem(ErrorCode.INVALID_INPUT, e.getMessage(), e.errors());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> versionExpired(ExpiredVersionException e) {
    return problem(ErrorCode.VERSION_EXPIRED, e.getMessage(), e.errors());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> notFound(NotFoundException e) {
    return problem(ErrorCode.NOT_FOUND, e.getMessage(), List.of());
  }

  /** The features and classes refused, as the online listener names them ({@link ProblemJson}). */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> readNotGranted(ReadNotGrantedException e) {
    ResponseEntity<ProblemDetail> response =
        problem(ErrorCode.READ_NOT_GRANTED, e.getMessage(), List.of());
    response.getBody().setProperty(ProblemJson.REFUSED_FEATURES, e.features());
    return response;
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> erasedKey(ErasedKeyException e) {
    return problem(ErrorCode.ERASED_KEY, e.getMessage(), e.errors());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> conflict(ConflictException e) {
    return problem(ErrorCode.CONFLICT, e.getMessage(), List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> forbidden(ForbiddenException e) {
    return problem(ErrorCode.FORBIDDEN, e.getMessage(), List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> archived(ArchivedGroupException e) {
    ResponseEntity<ProblemDetail> answer =
        problem(
            ErrorCode.CONFLICT,
            e.getMessage() + " (POST /api/v1/feature-groups/" + e.featureGroup() + "/unarchive)",
            List.of());
    answer.getBody().setProperty("featureGroup", e.featureGroup());
    return answer;
  }

  /** The deletion refused, with what depends on the group. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> groupInUse(GroupInUseException e) {
    ResponseEntity<ProblemDetail> answer = problem(ErrorCode.CONFLICT, e.getMessage(), List.of());
    answer.getBody().setProperty("featureGroup", e.featureGroup());
    answer.getBody().setProperty("trainingSets", e.dependents().trainingSets());
    answer.getBody().setProperty("models", e.dependents().models());
    return answer;
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> payloadTooLarge(PayloadTooLargeException e) {
    return problem(ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> overloaded(OverloadedException e) {
    return retryLater(e.getMessage(), e.retryAfter());
  }

  /**
   * Out of memory in a request (many heavy requests at once): the request failed and left nothing,
   * so the client may retry; the server goes on.
   */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> outOfMemory(OutOfMemoryError e) {
    log.error("A request ran out of memory", e);
    return retryLater(
        "the server ran out of memory for this request; retry later", RETRY_AFTER_OUT_OF_MEMORY);
  }

  /**
   * A request's Arrow buffers outgrew the limit of its child allocator: like running out of heap,
   * that request failed and the server goes on.
   */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> arrowOutOfMemory(OutOfMemoryException e) {
    log.warn("A request exceeded its Arrow memory limit", e);
    return retryLater(
        "the request needed more memory than one request may use; retry later",
        RETRY_AFTER_OUT_OF_MEMORY);
  }

  private static ResponseEntity<ProblemDetail> retryLater(String detail, Duration retryAfter) {
    ResponseEntity<ProblemDetail> problem = problem(ErrorCode.OVERLOADED, detail, List.of());
    return ResponseEntity.status(problem.getStatusCode())
        .headers(problem.getHeaders())
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()))
        .body(problem.getBody());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> uploadTooLarge(UploadTooLargeException e) {
    return problem(ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> unsupportedFormat(UnsupportedUploadFormatException e) {
    return problem(
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        e.getMessage(),
        List.of(new FieldError("Content-Type", e.getMessage())));
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> onlineIndexUnavailable(OnlineIndexUnavailableException e) {
    return problem(ErrorCode.ONLINE_INDEX_UNAVAILABLE, e.getMessage(), List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> catalogUnavailable(CatalogUnavailableException e) {
    log.warn("Catalog call failed", e);
    return problem(ErrorCode.CATALOG_UNAVAILABLE, "the catalog database is unavailable", List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> commitStateUnknown(CommitStateUnknownException e) {
    log.warn("Commit outcome unknown", e);
    return problem(
        ErrorCode.COMMIT_STATE_UNKNOWN,
        "the catalog connection broke while the change was being committed, so it may or may not"
            + " have been made; retrying with the same Idempotency-Key is safe",
        List.of());
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> objectStoreUnavailable(ObjectStoreUnavailableException e) {
    log.warn("Object store call failed", e);
    return problem(
        ErrorCode.OBJECT_STORE_UNAVAILABLE, "the object store is unavailable", List.of());
  }

  /** An object-store fault carried through code that cannot throw checked exceptions. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> uncheckedIo(UncheckedIOException e) {
    return e.getCause() instanceof ObjectStoreUnavailableException storeFault
        ? objectStoreUnavailable(storeFault)
        : internalError(e);
  }

  /** Any other I/O failure (a local disk, a stream) is ours: an internal error. */
  @ExceptionHandler
  ResponseEntity<ProblemDetail> ioFailed(IOException e) {
    return internalError(e);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    Optional<String> duplicate =
        e.getCause() instanceof JacksonException jackson
            ? DuplicateJsonProperty.field(jackson)
            : Optional.empty();
    if (duplicate.isPresent()) {
      String detail = duplicate.get() + ": " + DuplicateJsonProperty.MESSAGE;
      return asObject(
          problem(
              ErrorCode.INVALID_INPUT,
              detail,
              List.of(new FieldError(duplicate.get(), DuplicateJsonProperty.MESSAGE))));
    }
    String field = e.getCause() instanceof DatabindException databind ? jsonPath(databind) : "body";
    String reason;
    if (e.getCause() instanceof UnrecognizedPropertyException unknown) {
      reason = unknownField(unknown);
    } else if (e.getCause() instanceof MismatchedInputException mismatch
        && mismatch.getTargetType() != null
        && !field.equals("body")) {
      reason = expected(mismatch.getTargetType());
    } else if (e.getCause() instanceof StreamReadException malformed) {
      reason = MalformedJson.message(malformed);
    } else {
      reason = "is not valid JSON for this endpoint";
    }
    return asObject(
        problem(
            ErrorCode.INVALID_INPUT,
            field + ": " + reason,
            List.of(new FieldError(field, reason))));
  }

  /** A path variable or query parameter that is not of its type, such as an id that is no UUID. */
  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String field = e.getPropertyName() == null ? "request" : e.getPropertyName();
    String message =
        e.getRequiredType() == null ? "has the wrong type" : expected(e.getRequiredType());
    return asObject(
        problem(
            ErrorCode.INVALID_INPUT,
            field + ": " + message,
            List.of(new FieldError(field, message))));
  }

  /** The field's name is in the error's field; the message says which names the object takes. */
  private static String unknownField(UnrecognizedPropertyException e) {
    return UnknownJsonField.message(
        e.getKnownPropertyIds() == null
            ? List.of()
            : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
  }

  private static String expected(Class<?> type) {
    if (type.isEnum()) {
      return "must be one of " + Arrays.toString(type.getEnumConstants());
    }
    if (type == UUID.class) {
      return "must be a UUID";
    }
    if (type == Instant.class) {
      return "must be an ISO-8601 instant such as 2026-03-01T12:00:00Z";
    }
    if (type == long.class || type == Long.class || type == int.class || type == Integer.class) {
      return "must be an integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "must be true or false";
    }
    if (type == double.class || type == Double.class || Number.class.isAssignableFrom(type)) {
      return "must be a number";
    }
    if (type == String.class) {
      return "must be a string";
    }
    if (type == Duration.class) {
      return "must be an ISO-8601 duration such as P30D";
    }
    if (type.isArray() || Collection.class.isAssignableFrom(type)) {
      return "must be an array";
    }
    // A request record or map: its Java name means nothing to the caller.
    return "must be an object";
  }

  @Override
  protected ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldError> errors = new ArrayList<>();
    e.getBindingResult()
        .getFieldErrors()
        .forEach(error -> errors.add(new FieldError(error.getField(), error.getDefaultMessage())));
    return asObject(problem(ErrorCode.INVALID_INPUT, "the request is invalid", errors));
  }

  @Override
  protected ResponseEntity<Object> handleMaxUploadSizeExceededException(
      MaxUploadSizeExceededException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return asObject(problem(ErrorCode.PAYLOAD_TOO_LARGE, e.getMessage(), List.of()));
  }

  /**
   * An unknown path answers exactly as a path the caller's role may not use (see the access rules),
   * so that refusals do not reveal which endpoints exist.
   */
  @Override
  protected ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String path = ((ServletWebRequest) request).getRequest().getRequestURI();
    ResponseEntity<ProblemDetail> response =
        problem(ErrorCode.NOT_FOUND, "nothing found at " + path, List.of());
    response.getBody().setInstance(java.net.URI.create(path));
    return asObject(response);
  }

  /**
   * Spring MVC's own problems (404 for unknown paths, 415, 405...) get our type and an errors list.
   */
  @Override
  protected ResponseEntity<Object> createResponseEntity(
      @Nullable Object body, HttpHeaders headers, HttpStatusCode statusCode, WebRequest request) {
    if (body instanceof ProblemDetail problem && problem.getProperties() == null) {
      problem.setProperty("errors", List.of());
    }
    return super.createResponseEntity(body, headers, statusCode, request);
  }

  @ExceptionHandler
  ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
    return internalError(e);
  }

  /** A failure we did not expect: the answer carries the error id of its log line. */
  private static ResponseEntity<ProblemDetail> internalError(Exception e) {
    UnexpectedFailure failure = UnexpectedFailure.logged(e);
    ResponseEntity<ProblemDetail> response =
        problem(ErrorCode.INTERNAL_ERROR, failure.detail(), List.of());
    response.getBody().setProperty("errorId", failure.errorId());
    return response;
  }

  private static String jsonPath(DatabindException e) {
    StringBuilder path = new StringBuilder();
    for (var reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.isEmpty() ? "body" : path.toString();
  }

  static ResponseEntity<ProblemDetail> problem(
      ErrorCode code, String detail, List<FieldError> errors) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail);
    problem.setType(code.type());
    problem.setTitle(code.status().getReasonPhrase());
    problem.setProperty("code", code.name());
    // Records keep their order: {"field":...,"message":...}, as the docs show it.
    problem.setProperty("errors", List.copyOf(errors));
    return ResponseEntity.status(code.status())
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> asObject(ResponseEntity<ProblemDetail> response) {
    return (ResponseEntity) response;
  }
}
