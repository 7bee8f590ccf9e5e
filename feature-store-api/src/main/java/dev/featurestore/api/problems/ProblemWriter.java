package dev.featurestore.api.problems;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json answer straight to the servlet response, for failures found before Spring
 * MVC runs (authentication, access rules). Same fields as {@link ProblemResponses} writes.
 */
public final class ProblemWriter {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ProblemWriter() {}

  public static void write(
      HttpServletResponse response, ErrorCode code, String detail, String instance)
      throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", code.type().toString());
    problem.put("title", code.status().getReasonPhrase());
    problem.put("status", code.status().value());
    problem.put("detail", detail);
    problem.put("instance", instance);
    problem.put("code", code.name());
    problem.put("errors", List.of());
    response.setStatus(code.status().value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    JSON.writeValue(response.getOutputStream(), problem);
  }
}
