package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.featurestore.api.online.ConnectionLimits;
import dev.featurestore.api.online.OnlineFeatureLookup;
import dev.featurestore.api.online.OnlineListener;
import dev.featurestore.api.online.OnlineRequestAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both ports let go of connections that hold them without working: a socket that sends nothing, a
 * request body that stalls, connections beyond the cap, a body too large to be worth reading. The
 * timeouts here are one second; a connection still open after {@link #PATIENCE} counts as held
 * forever.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      TestApiKeys.ADMIN_KEY_PROPERTY,
      "server.tomcat.connection-timeout=1s",
      "feature-store.online.idle-timeout=PT1S",
      "feature-store.online.read-timeout=PT1S"
    })
class SlowConnectionIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir static Path dataDir;

  @DynamicPropertySource
  static void realDatabase(DynamicPropertyRegistry registry) {
    TestCatalogs.useFreshCatalog(registry, dataDir);
  }

  @LocalServerPort int mainPort;
  @Autowired OnlineListener listener;
  @Autowired OnlineFeatureLookup lookup;
  @Autowired OnlineRequestAuthenticator authenticator;
  @Autowired JsonMapper json;

  @Test
  void mainPortClosesAConnectionThatSendsNothing() throws IOException {
    try (Socket silent = connect(mainPort)) {
      assertClosedByTheServer(silent);
    }
  }

  @Test
  void onlinePortClosesAConnectionThatSendsNothing() throws IOException {
    try (Socket silent = connect(listener.port().orElseThrow())) {
      assertClosedByTheServer(silent);
    }
  }

  @Test
  void onlinePortCutsOffARequestBodyThatStalls() throws IOException {
    try (Socket stalling = connect(listener.port().orElseThrow())) {
      send(
          stalling,
          "POST /get-online-features HTTP/1.1\r\nHost: localhost\r\n"
              + "Authorization: Bearer "
              + TestApiKeys.ADMIN_KEY
              + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"features\":");
      assertClosedByTheServer(stalling);
    }
  }

  @Test
  void onlinePortClosesConnectionsBeyondTheCapAtOnce() throws IOException {
    OnlineListener twoConnections =
        new OnlineListener(
            lookup, authenticator, json, 0, 1, new ConnectionLimits(PATIENCE, PATIENCE, 2));
    twoConnections.start();
    int port = twoConnections.port().orElseThrow();
    try (Socket first = connect(port);
        Socket second = connect(port);
        Socket third = connect(port)) {
      assertClosedByTheServer(third);
      for (Socket kept : new Socket[] {first, second}) {
        send(kept, "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(new String(kept.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
            .isEqualTo("HTTP/1.1 200");
      }
    } finally {
      twoConnections.stop();
    }
  }

  /**
   * A refused request's body is read and dropped only up to the swallow limit (2 MB): a caller
   * without a key that keeps sending is cut off long before 64 MiB, where an unlimited swallow
   * reads all of it (and would read 2 GiB) before the connection can be used again.
   */
  @Test
  void mainPortStopsReadingTheBodyOfARefusedRequest() throws IOException {
    try (Socket unauthenticated = connect(mainPort)) {
      send(
          unauthenticated,
          "POST /api/v1/feature-groups/any/commits HTTP/1.1\r\nHost: localhost\r\n"
              + "Content-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n");
      byte[] megabyte = new byte[1 << 20];
      OutputStream out = unauthenticated.getOutputStream();
      assertThatCode(
              () -> {
                for (int sent = 0; sent < 64; sent++) {
                  out.write(megabyte);
                }
              })
          .isInstanceOf(SocketException.class);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket("localhost", port);
    socket.setSoTimeout((int) PATIENCE.toMillis());
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  /** Reads whatever the server still sends; the connection must end (a read timeout fails). */
  private static void assertClosedByTheServer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // An answer (such as a 408) may come first; the end of the stream is what counts.
      }
    } catch (SocketException resetByTheServer) {
      // Closed with unread data: a reset is a close too.
    }
  }
}
