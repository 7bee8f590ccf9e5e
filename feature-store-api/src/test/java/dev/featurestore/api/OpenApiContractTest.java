package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract refuses exchanges its document does not describe, and only those. */
class OpenApiContractTest {
  private static final OpenApiContract CONTRACT =
      OpenApiContract.of(
          """
          {"openapi":"3.1.0","info":{"title":"t","version":"1"},
           "paths":{"/rows":{"get":{"responses":{"200":{"description":"rows",
             "content":{"application/json":{"schema":{"type":"object","required":["rows"],
               "properties":{"rows":{"type":"array","items":{"type":"integer"}}}}}}}}}}}}
          """);
  private static final URI ROWS = URI.create("http://localhost/rows");

  @Test
  void acceptsADocumentedAnswer() {
    assertThatCode(() -> answer(200, "{\"rows\":[1,2]}")).doesNotThrowAnyException();
  }

  @Test
  void refusesAnUndocumentedStatus() {
    assertThatThrownBy(() -> answer(201, "{\"rows\":[1]}"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("201");
  }

  @Test
  void refusesABodyOfAnotherShape() {
    assertThatThrownBy(() -> answer(200, "[1,2]")).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> answer(200, "{\"rows\":[\"one\"]}"))
        .isInstanceOf(AssertionError.class);
  }

  private static void answer(int status, String body) {
    CONTRACT.check(
        "GET",
        ROWS,
        Map.of(),
        null,
        status,
        Map.of("content-type", List.of("application/json")),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
