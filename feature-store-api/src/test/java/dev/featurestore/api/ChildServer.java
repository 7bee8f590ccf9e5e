package dev.featurestore.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server in its own JVM, started from the test's classpath, so that a test can kill it with
 * SIGKILL and start it again on the same database and data folder. Calls carry the admin key.
 */
public record ChildServer(Process process, URI base, HttpClient http) {
  private static final String BEARER = "Bearer " + TestApiKeys.ADMIN_KEY;

  /**
   * Starts a server on the database, with its objects under {@code dataDir} unless {@code
   * moreArguments} (further {@code --property=value} arguments) name an S3 bucket.
   */
  public static ChildServer start(
      TestingPostgres.TestDatabase database,
      Path dataDir,
      Duration orphanGracePeriod,
      String... moreArguments)
      throws IOException, InterruptedException {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.user(),
                "--spring.datasource.password=" + database.password(),
                "--feature-store.orphan-grace-period=" + orphanGracePeriod,
                "--feature-store.orphan-sweep-interval=PT1S",
                // Crash tests count files and commits; a background compaction would add its own.
                "--feature-store.compaction.small-files=0"));
    arguments.addAll(List.of(moreArguments));
    return launchWithTestKey(dataDir, arguments);
  }

  /** Starts a server on the embedded default: its catalog a PostgreSQL on {@code dataDir}. */
  public static ChildServer startWithEmbeddedCatalog(Path dataDir)
      throws IOException, InterruptedException {
    return launchWithTestKey(dataDir, List.of());
  }

  /**
   * Starts a server as the README's command starts it on a fresh clone: in {@code
   * workingDirectory}, its data in {@code ./data}, the first admin key written to {@code
   * data/admin.key}, the online listener on {@code onlinePort}. Only the HTTP port differs.
   */
  public static ChildServer startAsOnAFreshClone(Path workingDirectory, int onlinePort)
      throws IOException, InterruptedException {
    return launch(workingDirectory, List.of("--feature-store.online-port=" + onlinePort));
  }

  /**
   * For benchmarks: servers started later run the start-up warm-up, as in production, unless {@code
   * -Dchild-server.arguments} was given (e.g. {@code --feature-store.warm-up.enabled=false} to
   * measure without it).
   */
  public static void warmUpAsInProduction() {
    if (System.getProperty("child-server.arguments") == null) {
      System.setProperty("child-server.arguments", "--feature-store.warm-up.enabled=true");
    }
  }

  /** A free port on loopback, for a server to listen on. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static ChildServer launchWithTestKey(Path dataDir, List<String> arguments)
      throws IOException, InterruptedException {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--feature-store.data-dir=" + dataDir,
                "--feature-store.online-port=-1",
                "--" + TestApiKeys.ADMIN_KEY_PROPERTY));
    all.addAll(arguments);
    return launch(Path.of("").toAbsolutePath(), all);
  }

  private static ChildServer launch(Path workingDirectory, List<String> arguments)
      throws IOException, InterruptedException {
    int port = freePort();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xmx1g",
                // A test's server lives for seconds on small data: the quick compiler alone starts
                // it about twice as fast on two cores, where the optimising one competes for them.
                "-XX:TieredStopAtLevel=1"));
    // Benchmarks add their own (later options win), e.g. -XX:TieredStopAtLevel=4 for both
    // compilers as in production, -XX:StartFlightRecording=... for a profile.
    String jvmOptions = System.getProperty("child-server.jvm-options", "").strip();
    if (!jvmOptions.isEmpty()) {
      command.addAll(List.of(jvmOptions.split("\\s+")));
    }
    // A benchmark may run the server as production does, from its (extracted) jar: a JDK AOT
    // cache takes classes from jars only.
    String jar = System.getProperty("child-server.jar", "").strip();
    command.addAll(
        jar.isEmpty()
            ? List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "dev.featurestore.api.FeatureStoreApplication")
            : List.of("-jar", jar));
    command.add("--server.port=" + port);
    command.addAll(arguments);
    // Benchmarks add server properties of their own, e.g. --feature-store.warm-up.enabled=true
    // (the tests' configuration turns the start-up warm-up off).
    String serverArguments = System.getProperty("child-server.arguments", "").strip();
    if (!serverArguments.isEmpty()) {
      command.addAll(List.of(serverArguments.split("\\s+")));
    }
    Process process =
        new ProcessBuilder(command)
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile(port).toFile())
            .start();
    ChildServer server =
        new ChildServer(
            process,
            URI.create("http://localhost:" + port),
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    try {
      server.awaitReady();
    } catch (InterruptedException | RuntimeException e) {
      process.destroyForcibly(); // a server that never became ready must not outlive the caller
      throw e;
    }
    return server;
  }

  /**
   * The server's output: kept under target/, to diagnose a failure after the temp folder is gone.
   */
  public Path logFile() {
    return logFile(base.getPort());
  }

  private static Path logFile(int port) {
    return Path.of("target", "child-server-" + port + ".log").toAbsolutePath();
  }

  private void awaitReady() throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline) && process.isAlive()) {
      try {
        if (get("/actuator/health/readiness").statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // Keep polling until the deadline.
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the server did not become ready; see its log");
  }

  /** The request, carrying the admin key. */
  public HttpRequest authorized(HttpRequest.Builder request) {
    return request.header("Authorization", BEARER).build();
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).header("Authorization", BEARER).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A POST that must answer {@code expectedStatus}; returns the body. */
  public String post(String path, String contentType, String body, int expectedStatus)
      throws IOException, InterruptedException {
    HttpResponse<String> response = postForResponse(path, contentType, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
    return response.body();
  }

  public HttpResponse<String> postForResponse(String path, String contentType, String body)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .header("Authorization", BEARER)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public void post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    post(path, contentType, body, 201);
  }

  public HttpResponse<String> commit(
      String group, String contentType, HttpRequest.BodyPublisher body) {
    return commitAsync(group, contentType, body).join();
  }

  public CompletableFuture<HttpResponse<String>> commitAsync(
      String group, String contentType, HttpRequest.BodyPublisher body) {
    return http.sendAsync(
        HttpRequest.newBuilder(base.resolve("/api/v1/feature-groups/" + group + "/commits"))
            .header("Content-Type", contentType)
            .header("Authorization", BEARER)
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM: the server shuts down as it would in production, stopping what it started. */
  public void stop() throws InterruptedException {
    process.destroy();
    process.waitFor();
  }
}
