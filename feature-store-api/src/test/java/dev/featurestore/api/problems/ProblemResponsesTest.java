package dev.featurestore.api.problems;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class ProblemResponsesTest {
  @Test
  void outOfMemoryInARequestIsA503ProblemWithRetryAfter() {
    ResponseEntity<ProblemDetail> response =
        new ProblemResponses().outOfMemory(new OutOfMemoryError("Java heap space"));

    assertThat(response.getStatusCode().value()).isEqualTo(503);
    assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
    assertThat(response.getHeaders().getContentType())
        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
    assertThat(response.getBody().getProperties()).containsEntry("code", "OVERLOADED");
  }
}
