package dev.featurestore.api.problems;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's answer to a request it refuses before the application sees it (a malformed URI such as
 * one holding {@code %00}, an invalid header), as problem+json instead of Tomcat's HTML page.
 * Installed as the host's error report valve by {@link ProblemErrorPages}.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {
  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    HttpStatus status = HttpStatus.resolve(response.getStatus());
    // As Tomcat's own valve: errors only, once, and never over an answer already begun.
    if (status == null
        || !status.isError()
        || response.getContentWritten() > 0
        || !response.setErrorReported()) {
      return;
    }
    String message = response.getMessage();
    String detail =
        message == null || message.isBlank()
            ? "the web server refused the request: " + status.getReasonPhrase()
            : message;
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(ProblemWriter.statusOnly(status, detail, request.getRequestURI()));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // The client went away or the answer is committed: nothing more can be said.
    }
  }
}
