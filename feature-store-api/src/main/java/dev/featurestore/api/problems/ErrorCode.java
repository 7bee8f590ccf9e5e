package dev.featurestore.api.problems;

import java.net.URI;
import org.springframework.http.HttpStatus;

/** Every error the API reports, with its HTTP status and a stable problem type URI. */
public enum ErrorCode {
  INVALID_INPUT(Category.USER_ERROR, HttpStatus.BAD_REQUEST),
  NOT_FOUND(Category.USER_ERROR, HttpStatus.NOT_FOUND),
  CONFLICT(Category.USER_ERROR, HttpStatus.CONFLICT),
  /** A commit holds rows whose key was erased; the rows are named by index, never by key. */
  ERASED_KEY(Category.USER_ERROR, HttpStatus.CONFLICT),
  VERSION_EXPIRED(Category.USER_ERROR, HttpStatus.GONE),
  PAYLOAD_TOO_LARGE(Category.USER_ERROR, HttpStatus.CONTENT_TOO_LARGE),
  UNSUPPORTED_MEDIA_TYPE(Category.USER_ERROR, HttpStatus.UNSUPPORTED_MEDIA_TYPE),
  UNAUTHENTICATED(Category.USER_ERROR, HttpStatus.UNAUTHORIZED),
  /** The key's role may see the resource but not this use of it (a group's rows, say). */
  FORBIDDEN(Category.USER_ERROR, HttpStatus.FORBIDDEN),
  /** The read needs values of a class (PII, SENSITIVE) the caller holds no grant for. */
  READ_NOT_GRANTED(Category.USER_ERROR, HttpStatus.FORBIDDEN),
  ONLINE_INDEX_UNAVAILABLE(Category.INSUFFICIENT_RESOURCES, HttpStatus.SERVICE_UNAVAILABLE),
  CATALOG_UNAVAILABLE(Category.INSUFFICIENT_RESOURCES, HttpStatus.SERVICE_UNAVAILABLE),
  OBJECT_STORE_UNAVAILABLE(Category.INSUFFICIENT_RESOURCES, HttpStatus.SERVICE_UNAVAILABLE),
  /**
   * The catalog connection broke during COMMIT: the change may or may not have been made. A retry
   * with the same Idempotency-Key is safe.
   */
  COMMIT_STATE_UNKNOWN(Category.INSUFFICIENT_RESOURCES, HttpStatus.SERVICE_UNAVAILABLE),
  /** More requests wait for a bounded resource (e.g. API-key checks) than may wait. */
  OVERLOADED(Category.INSUFFICIENT_RESOURCES, HttpStatus.SERVICE_UNAVAILABLE),
  INTERNAL_ERROR(Category.INTERNAL_ERROR, HttpStatus.INTERNAL_SERVER_ERROR);

  /** Whose fault it is: the caller's, a missing resource's, or ours. */
  public enum Category {
    USER_ERROR,
    INSUFFICIENT_RESOURCES,
    INTERNAL_ERROR
  }

  private final Category category;
  private final HttpStatus status;

  ErrorCode(Category category, HttpStatus status) {
    this.category = category;
    this.status = status;
  }

  public Category category() {
    return category;
  }

  public HttpStatus status() {
    return status;
  }

  public URI type() {
    return URI.create("/problems/" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
  }
}
