package dev.featurestore.api.openapi;

import dev.featurestore.api.problems.ErrorCode;

/** What each error code means to a caller, and what to do about it, for the OpenAPI document. */
final class ErrorCodeDescriptions {
  private ErrorCodeDescriptions() {}

  static String of(ErrorCode code) {
    return switch (code) {
      case INVALID_INPUT -> "the request is invalid; `errors` names each field at fault and why";
      case NOT_FOUND ->
          "no such resource, or a path the key's role may not use (the two answer alike)";
      case CONFLICT -> "the resource exists already, or its state forbids the change";
      case ERASED_KEY ->
          "rows hold keys that were erased (named as `rows[i]`); lift the tombstone or set"
              + " the group's erasedKeys to DROP";
      case VERSION_EXPIRED -> "`asOf` names a catalog version older than the retention keeps";
      case PAYLOAD_TOO_LARGE -> "the body is larger than the server accepts";
      case UNSUPPORTED_MEDIA_TYPE -> "the Content-Type is not one this operation reads";
      case UNAUTHENTICATED -> "no API key, or one that is unknown or revoked";
      case FORBIDDEN -> "the key's role may see the resource but not read what was asked of it";
      case READ_NOT_GRANTED ->
          "the read needs PII or SENSITIVE values the key holds no grant for; `refusedFeatures`"
              + " names each feature and its class";
      case ONLINE_INDEX_UNAVAILABLE ->
          "the group's online index is not loaded yet or was refused by the memory budget";
      case CATALOG_UNAVAILABLE -> "the catalog database is unreachable; retry later";
      case OBJECT_STORE_UNAVAILABLE -> "the object store is unreachable; retry later";
      case COMMIT_STATE_UNKNOWN ->
          "the change may or may not have been made; retry with the same Idempotency-Key";
      case OVERLOADED -> "too many requests wait for a bounded resource; retry after Retry-After";
      case INTERNAL_ERROR -> "a fault of the server; `errorId` finds its log line";
    };
  }
}
