package dev.featurestore.api;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OpenAPI document a running server serves, as a contract its HTTP exchanges are checked
 * against (Atlassian's openapi-request-validator): a request or answer the document does not
 * describe (an undocumented status, a missing required property, a wrong type, an undeclared
 * content type) fails the test that made it.
 */
public final class OpenApiContract {
  private final OpenApiInteractionValidator validator;
  // For answers alone: tests of unknown paths and methods ask on purpose for what is not there.
  private final OpenApiInteractionValidator answers;

  /** A contract of an OpenAPI document given as JSON or YAML text. */
  public static OpenApiContract of(String document) {
    return new OpenApiContract(document);
  }

  private OpenApiContract(String document) {
    this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
    this.answers =
        OpenApiInteractionValidator.createForInlineApiSpecification(document)
            .withLevelResolver(
                LevelResolver.create()
                    .withLevel("validation.response.path.missing", ValidationReport.Level.IGNORE)
                    .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                    .withLevel(
                        "validation.response.operation.notAllowed", ValidationReport.Level.IGNORE)
                    .build())
            .build();
  }

  /** Reads {@code /v3/api-docs} from the server at {@code base}; keeps a copy under target/. */
  public static OpenApiContract servedBy(URI base) throws IOException, InterruptedException {
    HttpResponse<String> document =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(base.resolve("/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
    if (document.statusCode() != 200) {
      throw new AssertionError("/v3/api-docs answered " + document.statusCode());
    }
    Files.writeString(Path.of("target", "openapi.json"), document.body());
    return new OpenApiContract(document.body());
  }

  /** Fails unless both the request and the answer are what the document says. */
  public void check(
      String method,
      URI uri,
      Map<String, List<String>> requestHeaders,
      byte[] requestBody,
      int status,
      Map<String, List<String>> responseHeaders,
      byte[] responseBody) {
    SimpleRequest.Builder request =
        new SimpleRequest.Builder(Request.Method.valueOf(method), uri.getPath());
    requestHeaders.forEach(request::withHeader);
    query(uri).forEach(request::withQueryParam);
    if (requestBody != null && requestBody.length > 0) {
      request.withBody(requestBody);
    }
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    responseHeaders.forEach(response::withHeader);
    if (responseBody != null && responseBody.length > 0) {
      response.withBody(responseBody);
    }
    report(
        method + " " + uri + " -> " + status,
        validator.validate(request.build(), response.build()),
        responseBody);
  }

  /**
   * Fails unless the answer is what the document says, for a request that may be bad on purpose;
   * paths and methods the document does not know are not checked.
   */
  public void checkResponse(
      String method,
      URI uri,
      int status,
      Map<String, List<String>> responseHeaders,
      byte[] responseBody) {
    SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
    responseHeaders.forEach(response::withHeader);
    if (responseBody != null && responseBody.length > 0) {
      response.withBody(responseBody);
    }
    report(
        method + " " + uri + " -> " + status,
        answers.validateResponse(uri.getPath(), Request.Method.valueOf(method), response.build()),
        responseBody);
  }

  private static void report(String exchange, ValidationReport report, byte[] responseBody) {
    if (report.hasErrors()) {
      throw new AssertionError(
          exchange
              + " differs from the OpenAPI document:\n"
              + report.getMessages().stream()
                  .map(ValidationReport.Message::toString)
                  .collect(Collectors.joining("\n"))
              + "\nanswer: "
              + (responseBody == null ? "" : new String(responseBody, StandardCharsets.UTF_8)));
    }
  }

  private static Map<String, List<String>> query(URI uri) {
    if (uri.getRawQuery() == null) {
      return Map.of();
    }
    return java.util.Arrays.stream(uri.getRawQuery().split("&"))
        .map(pair -> pair.split("=", 2))
        .collect(
            Collectors.groupingBy(
                pair -> decode(pair[0]),
                Collectors.mapping(
                    pair -> pair.length > 1 ? decode(pair[1]) : "", Collectors.toList())));
  }

  private static String decode(String part) {
    return java.net.URLDecoder.decode(part, StandardCharsets.UTF_8);
  }
}
