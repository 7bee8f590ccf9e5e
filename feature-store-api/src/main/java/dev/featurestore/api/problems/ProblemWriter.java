package dev.featurestore.api.problems;

import dev.featurestore.core.FieldError;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json answer straight to the servlet response, for failures found before Spring
 * MVC runs (authentication, access rules, requests Tomcat refuses). Same fields as {@link
 * ProblemResponses} writes.
 */
public final class ProblemWriter {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ProblemWriter() {}

  public static void write(
      HttpServletResponse response, ErrorCode code, String detail, String instance)
      throws IOException {
    write(response, code, detail, instance, List.of());
  }

  /** With the fields at fault, for input refused before Spring MVC runs (a malformed header). */
  public static void write(
      HttpServletResponse response,
      ErrorCode code,
      String detail,
      String instance,
      List<FieldError> errors)
      throws IOException {
    response.setStatus(code.status().value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    JSON.writeValue(
        response.getOutputStream(),
        problem(
            code.type().toString(),
            code.status().getReasonPhrase(),
            code.status().value(),
            detail,
            instance,
            code.name(),
            errors));
  }

  /**
   * A problem that only has an HTTP status to say (RFC 9457's type {@code about:blank}), as JSON
   * text: for requests the web server refuses before anything of ours runs.
   */
  static String statusOnly(HttpStatus status, String detail, String instance) {
    return JSON.writeValueAsString(
        problem(
            "about:blank",
            status.getReasonPhrase(),
            status.value(),
            detail,
            instance,
            status.name(),
            List.of()));
  }

  private static Map<String, Object> problem(
      String type,
      String title,
      int status,
      String detail,
      String instance,
      String code,
      List<FieldError> errors) {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", type);
    problem.put("title", title);
    problem.put("status", status);
    problem.put("detail", detail);
    problem.put("instance", instance);
    problem.put("code", code);
    problem.put("errors", errors);
    return problem;
  }
}
