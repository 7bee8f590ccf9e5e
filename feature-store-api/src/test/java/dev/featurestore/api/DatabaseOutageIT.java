package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
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

/** Health follows the catalog database: DOWN while it is stopped, UP again once it is back. */
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

  @Test
  void healthGoesDownWithTheDatabaseAndComesBack() throws Exception {
    assertThat(health().getStatusCode()).isEqualTo(HttpStatus.OK);

    postgres.close();
    ResponseEntity<String> down = health();
    assertThat(down.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    assertThat(JsonPath.<String>read(down.getBody(), "$.components.db.status")).isEqualTo("DOWN");
    assertThat(JsonPath.<String>read(down.getBody(), "$.components.objectStore.status"))
        .isEqualTo("UP");

    postgres = startPostgres();
    ResponseEntity<String> up = health();
    for (int attempt = 0; attempt < 20 && up.getStatusCode() != HttpStatus.OK; attempt++) {
      Thread.sleep(500);
      up = health();
    }
    assertThat(up.getStatusCode()).isEqualTo(HttpStatus.OK);
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
