package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.featurestore.api.online.OnlineListener;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Health follows the catalog database: DOWN while it is stopped, UP again once it is back.
 * Meanwhile a key the online listener cannot check is answered 503, as on the main port.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.datasource.hikari.connection-timeout=1000")
@AutoConfigureTestRestTemplate
class DatabaseOutageIT {
  @TempDir static Path databaseFolder;
  @TempDir static Path dataDir;
  static int port;
  static EmbeddedPostgres postgres;

  @DynamicPropertySource
  static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    postgres = startPostgres();
    registry.add("spring.datasource.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
    registry.add("feature-store.data-dir", dataDir::toString);
    // Cached contexts of several test classes live at once: each needs its own online port.
    registry.add("feature-store.online-port", () -> "0");
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    postgres.close();
  }

  @Autowired TestRestTemplate http;
  @Autowired OnlineListener onlineListener;

  @Test
  void healthGoesDownWithTheDatabaseAndComesBack() throws Exception {
    assertThat(health().getStatusCode()).isEqualTo(HttpStatus.OK);

    postgres.close();
    ResponseEntity<String> down = health();
    assertThat(down.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(JsonPath.<String>read(down.getBody(), "$.components.db.status")).isEqualTo("DOWN");
    assertThat(JsonPath.<String>read(down.getBody(), "$.components.objectStore.status"))
        .isEqualTo("UP");
    HttpResponse<String> lookup = onlineLookupWithAnUncheckedKey();
    assertThat(lookup.statusCode()).isEqualTo(503);
    assertThat(lookup.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(JsonPath.<String>read(lookup.body(), "$.code")).isEqualTo("CATALOG_UNAVAILABLE");

    postgres = startPostgres();
    ResponseEntity<String> up = health();
    for (int attempt = 0; attempt < 20 && up.getStatusCode() != HttpStatus.OK; attempt++) {
      Thread.sleep(500);
      up = health();
    }
    assertThat(up.getStatusCode()).isEqualTo(HttpStatus.OK);
  }

  private HttpResponse<String> onlineLookupWithAnUncheckedKey() throws Exception {
    int onlinePort = onlineListener.port().orElseThrow();
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(
                  URI.create("http://localhost:" + onlinePort + "/get-online-features"))
              .header("Authorization", "Bearer fs_never_checked")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"features\":[],\"entities\":{}}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private ResponseEntity<String> health() {
    return http.getForEntity("/actuator/health/readiness", String.class);
  }

  private static EmbeddedPostgres startPostgres() throws IOException {
    return EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(databaseFolder)
        .setCleanDataDirectory(false)
        .start();
  }
}
