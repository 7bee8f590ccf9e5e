package dev.featurestore.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every console response, its pages (forwarded to the index), its assets and a missing asset alike,
 * carries the strict Content-Security-Policy and nosniff; the REST API's responses carry no CSP.
 * ConsoleIT shows in a real browser that the policy blocks nothing the console does.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = TestApiKeys.ADMIN_KEY_PROPERTY)
@AutoConfigureTestRestTemplate
class ConsoleSecurityHeadersIT {
  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @Autowired TestRestTemplate anonymous;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/console",
        "/console/",
        "/console/catalog",
        "/console/feature-groups/clicks",
        "/console/assets/app.js",
        "/console/assets/console.css",
        "/console/no-such-page"
      })
  void consoleResponsesCarryAStrictPolicy(String path) {
    HttpHeaders headers = anonymous.getForEntity(path, String.class).getHeaders();

    assertThat(headers.getValuesAsList("Content-Security-Policy"))
        .containsExactly(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                + " img-src 'self' data:; frame-ancestors 'none'; base-uri 'none';"
                + " form-action 'self'");
    assertThat(headers.getValuesAsList("X-Content-Type-Options")).containsExactly("nosniff");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/api/v1/feature-groups", "/consoles"})
  void otherResponsesCarryNoConsolePolicy(String path) {
    ResponseEntity<String> response =
        TestApiKeys.as(anonymous, TestApiKeys.ADMIN_KEY).getForEntity(path, String.class);

    assertThat(response.getHeaders().containsHeader("Content-Security-Policy")).isFalse();
  }
}
