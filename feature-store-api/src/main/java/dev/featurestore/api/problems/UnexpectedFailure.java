package dev.featurestore.api.problems;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A failure we did not expect, logged with its stack trace under a fresh error id that the 500
 * answer carries too, so that a caller's report leads to the log line. Both ports answer through it
 * ({@link ProblemResponses}, the online listener).
 *
 * @param errorId the id in the log line and in the problem's {@code errorId}
 */
public record UnexpectedFailure(String errorId) {
  private static final Logger log = LoggerFactory.getLogger(UnexpectedFailure.class);

  /** Logs {@code failure} under a new error id. */
  public static UnexpectedFailure logged(Throwable failure) {
    String errorId = UUID.randomUUID().toString();
    log.error("Unexpected failure, error id {}", errorId, failure);
    return new UnexpectedFailure(errorId);
  }

  /** The problem's {@code detail}: names the id, for callers that show only the detail. */
  public String detail() {
    return "an internal error occurred; its error id is " + errorId;
  }
}
