package dev.featurestore.api;

import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.http.HttpHeaders;

/**
 * How full-stack tests authenticate: start the server with {@link #ADMIN_KEY_PROPERTY} and send
 * requests through {@link #as}.
 */
public final class TestApiKeys {
  public static final String ADMIN_KEY = "test-admin-key";
  public static final String ADMIN_KEY_PROPERTY = "feature-store.admin-key=" + ADMIN_KEY;

  private TestApiKeys() {}

  /**
   * A client for the same server that sends {@code Authorization: Bearer <key>} on every call and
   * checks each JSON answer against the server's OpenAPI document.
   */
  public static TestRestTemplate as(TestRestTemplate http, String key) {
    return new TestRestTemplate(
        new RestTemplateBuilder()
            .uriTemplateHandler(http.getRestTemplate().getUriTemplateHandler())
            .defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + key)
            .additionalInterceptors(new OpenApiCheckingInterceptor(http.getRootUri())));
  }
}
