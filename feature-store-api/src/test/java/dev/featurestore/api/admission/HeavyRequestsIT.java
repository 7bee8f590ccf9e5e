package dev.featurestore.api.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.api.TestApiKeys;
import dev.featurestore.api.TestCatalogs;
import dev.featurestore.core.catalog.Catalog;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * With one permit for heavy requests, a commit whose body is still arriving holds it, and a second
 * heavy commit (chunked, so of unknown length) is refused at once with 503 and Retry-After while a
 * small one passes; the upload limits answer 413 over HTTP.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      TestApiKeys.ADMIN_KEY_PROPERTY,
      "feature-store.limits.heavy-requests=1",
      "feature-store.limits.max-rows=1000"
    })
class HeavyRequestsIT {
  private static final String HEADER = "user_id,event_time,clicks\n";
  private static final String ROW = "u1,2026-03-01T00:00:00Z,1\n";

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @LocalServerPort int port;
  @Autowired Catalog catalog;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void createEntity() throws Exception {
    post("/api/v1/entities", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
  }

  @Test
  void aSecondHeavyRequestWhileTheOnlyPermitIsHeldIsRefusedWithRetryAfter() throws Exception {
    createGroup("held");
    SlowCsvBody slowBody = new SlowCsvBody();
    CompletableFuture<HttpResponse<String>> first =
        client.sendAsync(
            commit("held", HttpRequest.BodyPublishers.ofInputStream(() -> slowBody)),
            HttpResponse.BodyHandlers.ofString());
    slowBody.serverReading.await();

    HttpResponse<String> heavy =
        client.send(commit("held", chunked(HEADER + ROW)), HttpResponse.BodyHandlers.ofString());
    assertThat(heavy.statusCode()).isEqualTo(503);
    assertThat(heavy.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(heavy.body()).contains("\"code\":\"OVERLOADED\"");
    HttpResponse<String> small =
        client.send(commit("held", csv(1)), HttpResponse.BodyHandlers.ofString());
    assertThat(small.statusCode()).isEqualTo(201);

    slowBody.finish.countDown();
    HttpResponse<String> firstResponse = first.get();
    assertThat(firstResponse.statusCode()).isEqualTo(400);
    assertThat(firstResponse.body()).contains("rows[0].event_time");
    assertThat(catalog.commits("held")).hasSize(1); // the small one

    HttpResponse<String> afterwards =
        client.send(commit("held", chunked(HEADER + ROW)), HttpResponse.BodyHandlers.ofString());
    assertThat(afterwards.statusCode()).isEqualTo(201);
  }

  @Test
  void aCommitOfMoreRowsThanTheLimitIsAProblem413() throws Exception {
    createGroup("capped");
    HttpResponse<String> response =
        client.send(commit("capped", csv(1_001)), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("\"code\":\"PAYLOAD_TOO_LARGE\"").contains("1000 rows");
    assertThat(catalog.commits("capped")).isEmpty();
  }

  /** A body sent in chunks, of unknown length: heavy, whatever its size. */
  private static HttpRequest.BodyPublisher chunked(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
  }

  private static HttpRequest.BodyPublisher csv(int rows) {
    return HttpRequest.BodyPublishers.ofString(HEADER + ROW.repeat(rows));
  }

  private void createGroup(String name) throws Exception {
    post(
        "/api/v1/feature-groups",
        "{\"name\":\"%s\",\"entity\":\"user_id\",".formatted(name)
            + "\"features\":[{\"name\":\"clicks\",\"type\":\"INT64\"}]}");
  }

  private HttpRequest commit(String group, HttpRequest.BodyPublisher body) {
    return request("/api/v1/feature-groups/" + group + "/commits", "text/csv", body);
  }

  private void post(String path, String json) throws Exception {
    client.send(
        request(path, "application/json", HttpRequest.BodyPublishers.ofString(json)),
        HttpResponse.BodyHandlers.discarding());
  }

  private HttpRequest request(String path, String contentType, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + TestApiKeys.ADMIN_KEY)
        .header("Content-Type", contentType)
        .POST(body)
        .build();
  }

  /**
   * A CSV body whose first row is bad, then valid rows up to {@link #HELD_AFTER} bytes, where it
   * waits for {@link #finish}. Socket buffers on loopback hold far less than that, so once the
   * client has taken that much the server's handler is reading it, holding its permit.
   */
  private static final class SlowCsvBody extends InputStream {
    private static final long HELD_AFTER = 48L << 20;
    private static final byte[] FIRST =
        (HEADER + "u1,not-a-time,1\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FILLER = ROW.repeat(4096).getBytes(StandardCharsets.US_ASCII);

    final CountDownLatch serverReading = new CountDownLatch(1);
    final CountDownLatch finish = new CountDownLatch(1);
    private long sent;

    @Override
    public int read() {
      throw new UnsupportedOperationException("read in blocks");
    }

    @Override
    public int read(byte[] into, int offset, int length) throws InterruptedIOException {
      if (sent >= HELD_AFTER) {
        serverReading.countDown();
        try {
          finish.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
        return -1;
      }
      byte[] source = sent < FIRST.length ? FIRST : FILLER;
      int from = sent < FIRST.length ? (int) sent : 0;
      int count = Math.min(length, source.length - from);
      System.arraycopy(source, from, into, offset, count);
      sent += count;
      return count;
    }
  }
}
