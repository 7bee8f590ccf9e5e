package dev.featurestore.api.security;

import dev.featurestore.api.problems.ErrorCode;
import dev.featurestore.api.problems.ProblemWriter;
import dev.featurestore.core.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Why a request is refused before it reaches an endpoint, and how both ports answer it: the same
 * status, problem {@code code}, detail and {@code WWW-Authenticate} challenge on the main port and
 * on the online listener (docs/security.md lists them).
 */
public enum Refusal {
  /** No Authorization header, or one of another scheme (RFC 6750 3.1: no error code then). */
  NO_API_KEY(
      ErrorCode.UNAUTHENTICATED,
      Optional.of("Bearer"),
      "an API key is required: Authorization: Bearer <api key>"),
  /** A Bearer header that is not {@code Bearer <one token68>} (RFC 6750 3.1: invalid_request). */
  MALFORMED_AUTHORIZATION(
      ErrorCode.INVALID_INPUT,
      Optional.of("Bearer error=\"invalid_request\""),
      "the Authorization header must be 'Bearer <api key>'"),
  UNKNOWN_OR_REVOKED_KEY(
      ErrorCode.UNAUTHENTICATED,
      Optional.of("Bearer error=\"invalid_token\""),
      "the API key is unknown or revoked"),
  /**
   * A valid key whose role may not call the endpoint: answered as a path that does not exist, so
   * that a key learns nothing about what it may not see.
   */
  ROLE_MAY_NOT_CALL(ErrorCode.NOT_FOUND, Optional.empty(), "nothing found at ");

  private final ErrorCode code;
  private final Optional<String> challenge;
  private final String detail;

  Refusal(ErrorCode code, Optional<String> challenge, String detail) {
    this.code = code;
    this.challenge = challenge;
    this.detail = detail;
  }

  public ErrorCode code() {
    return code;
  }

  /** The {@code WWW-Authenticate} value to send, for refusals that ask for (other) credentials. */
  public Optional<String> challenge() {
    return challenge;
  }

  /**
   * @param path the request's path, which an unknown path's answer names
   */
  public String detail(String path) {
    return this == ROLE_MAY_NOT_CALL ? detail + path : detail;
  }

  /** The field at fault: the Authorization header, when that is what is malformed. */
  public List<FieldError> errors() {
    return this == MALFORMED_AUTHORIZATION
        ? List.of(
            new FieldError(
                AuthorizationHeader.NAME, "expected 'Bearer <api key>', the key one token68"))
        : List.of();
  }

  /** Answers a servlet request with this refusal, as the online listener answers its own. */
  void write(HttpServletResponse response, String path) throws IOException {
    challenge.ifPresent(value -> response.setHeader("WWW-Authenticate", value));
    ProblemWriter.write(response, code, detail(path), path, errors());
  }
}
