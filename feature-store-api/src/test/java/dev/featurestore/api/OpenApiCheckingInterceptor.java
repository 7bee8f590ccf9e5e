package dev.featurestore.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Checks every JSON answer the full-stack tests receive against the OpenAPI document their server
 * serves ({@link OpenApiContract#checkResponse}), so that an answer the document does not describe
 * fails the test that received it. Binary answers (downloads) pass through unread.
 */
final class OpenApiCheckingInterceptor implements ClientHttpRequestInterceptor {
  private static final Map<String, OpenApiContract> CONTRACTS = new ConcurrentHashMap<>();

  private final URI root;

  OpenApiCheckingInterceptor(String rootUri) {
    this.root = URI.create(rootUri);
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    ClientHttpResponse response = execution.execute(request, body);
    MediaType contentType = response.getHeaders().getContentType();
    if (contentType != null && !contentType.getSubtype().endsWith("json")) {
      return response;
    }
    byte[] answer;
    try (InputStream in = response.getBody()) {
      answer = in.readAllBytes();
    }
    contract()
        .checkResponse(
            request.getMethod().name(),
            request.getURI(),
            response.getStatusCode().value(),
            response.getHeaders().asMultiValueMap(),
            answer);
    return new BufferedResponse(response, answer);
  }

  private OpenApiContract contract() {
    return CONTRACTS.computeIfAbsent(
        root.toString(),
        ignored -> {
          try {
            return OpenApiContract.servedBy(root);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  /** The answer with its body read once, for the test to read again. */
  private record BufferedResponse(ClientHttpResponse response, byte[] body)
      implements ClientHttpResponse {
    @Override
    public HttpStatusCode getStatusCode() throws IOException {
      return response.getStatusCode();
    }

    @Override
    public String getStatusText() throws IOException {
      return response.getStatusText();
    }

    @Override
    public HttpHeaders getHeaders() {
      return response.getHeaders();
    }

    @Override
    public InputStream getBody() {
      return new ByteArrayInputStream(body);
    }

    @Override
    public void close() {
      response.close();
    }
  }
}
