package dev.featurestore.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.apache.arrow.memory.OutOfMemoryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Each class of failure gets its status once, here; a 500 names an error id that the log has. */
class ProblemResponsesTest {
  private final ProblemResponses responses = new ProblemResponses();
  private final Logger log = (Logger) LoggerFactory.getLogger(UnexpectedFailure.class);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void captureLog() {
    logged.start();
    log.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    log.detachAppender(logged);
  }

  @Test
  void unknownCommitOutcomeIsUnavailableAndSaysARetryIsSafe() {
    ResponseEntity<ProblemDetail> response =
        responses.commitStateUnknown(
            new CommitStateUnknownException("connection reset", new SQLException("reset")));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.getBody().getProperties()).containsEntry("code", "COMMIT_STATE_UNKNOWN");
    assertThat(response.getBody().getDetail())
        .contains("may or may not have been made")
        .contains("same Idempotency-Key is safe");
  }

  @Test
  void objectStoreFaultIsUnavailableAlsoWhenCarriedUnchecked() {
    ObjectStoreUnavailableException fault = new ObjectStoreUnavailableException("unreachable");

    assertThat(code(responses.objectStoreUnavailable(fault))).isEqualTo("OBJECT_STORE_UNAVAILABLE");
    assertThat(code(responses.uncheckedIo(new UncheckedIOException(fault))))
        .isEqualTo("OBJECT_STORE_UNAVAILABLE");
  }

  @Test
  void otherIoFailureIsAnInternalErrorWhoseIdTheLogCarries() {
    ResponseEntity<ProblemDetail> response =
        responses.ioFailed(new IOException("no space left on device"));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
    assertThat(code(response)).isEqualTo("INTERNAL_ERROR");
    String errorId = (String) response.getBody().getProperties().get("errorId");
    assertThat(errorId).isNotBlank();
    assertThat(response.getBody().getDetail()).contains(errorId);
    assertThat(logged.list)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getFormattedMessage()).contains(errorId);
              assertThat(event.getThrowableProxy().getMessage())
                  .isEqualTo("no space left on device");
            });
  }

  @Test
  void outOfMemoryInARequestIsA503ProblemWithRetryAfter() {
    ResponseEntity<ProblemDetail> response =
        responses.outOfMemory(new OutOfMemoryError("Java heap space"));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(code(response)).isEqualTo("OVERLOADED");
  }

  @Test
  void arrowAllocationBeyondItsLimitIsA503ProblemWithRetryAfter() {
    ResponseEntity<ProblemDetail> response =
        responses.arrowOutOfMemory(new OutOfMemoryException("Unable to allocate buffer"));

    assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    assertThat(code(response)).isEqualTo("OVERLOADED");
  }

  private static String code(ResponseEntity<ProblemDetail> response) {
    return (String) response.getBody().getProperties().get("code");
  }
}
