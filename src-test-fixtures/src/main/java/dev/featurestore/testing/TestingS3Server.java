package dev.featurestore.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One S3-protocol server per test JVM, started on first use and stopped when the JVM exits. Tests
 * isolate themselves with a fresh bucket each ({@link #createBucket()}) instead of booting a server
 * per class.
 *
 * <p>With a Docker engine the server is MinIO in a container. Without one it is S3Proxy over a
 * temporary folder, in a process of its own: in-process it clashes with the server's Jetty and
 * Jackson. The S3Proxy jar comes from the {@value #S3PROXY_JAR_PROPERTY} system property, which the
 * build sets for every test JVM.
 */
public final class TestingS3Server {
  public static final String S3PROXY_JAR_PROPERTY = "s3proxy.jar";

  private static final String REGION = "us-east-1";
  private static final String ACCESS_KEY = "feature-store-test";
  private static final String SECRET_KEY = "feature-store-test-secret";
  private static final String MINIO_IMAGE = "minio/minio:RELEASE.2023-09-04T19-57-37Z";
  // Generous: two shared cores can make a cold JVM slow to open its port.
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
  private static final int STARTUP_ATTEMPTS = 3;

  private static TestingS3Server instance;
  private static RuntimeException startupFailure;

  private final URI endpoint;
  private final S3Client client;
  private final AtomicLong bucketCounter = new AtomicLong();

  private TestingS3Server(URI endpoint) {
    this.endpoint = requireNonNull(endpoint, "endpoint is null");
    this.client = createClient();
  }

  /** The server of this JVM, started by the first caller. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // deliberate, see below
  public static synchronized TestingS3Server instance() {
    // Remember a failed start so that every later test fails fast with the original cause.
    if (startupFailure != null) {
      throw new IllegalStateException("the test S3 server failed to start", startupFailure);
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException e) {
        startupFailure = e;
        throw e;
      }
    }
    return instance;
  }

  public URI endpoint() {
    return endpoint;
  }

  public String region() {
    return REGION;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  public String secretKey() {
    return SECRET_KEY;
  }

  /** Creates an empty bucket whose name no other test of this JVM gets. */
  public String createBucket() {
    String bucket =
        "test-"
            + bucketCounter.incrementAndGet()
            + "-"
            + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    client.createBucket(request -> request.bucket(bucket));
    return bucket;
  }

  /**
   * A client for this server, path-style as S3-compatible servers need; the caller closes it. For
   * tests that check what an adapter left in the bucket.
   */
  public S3Client createClient() {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        // S3-compatible servers do not all accept the SDK's default trailing checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClient(ApacheHttpClient.builder().build())
        .build();
  }

  private static TestingS3Server start() {
    if (DockerClientFactory.instance().isDockerAvailable()) {
      return startMinio();
    }
    return startS3Proxy(s3ProxyJar());
  }

  @SuppressWarnings("resource") // stopped by the shutdown hook
  private static TestingS3Server startMinio() {
    MinIOContainer minio =
        new MinIOContainer(MINIO_IMAGE).withUserName(ACCESS_KEY).withPassword(SECRET_KEY);
    minio.start();
    Runtime.getRuntime().addShutdownHook(new Thread(minio::stop, "stop-test-minio"));
    return new TestingS3Server(URI.create(minio.getS3URL()));
  }

  private static Path s3ProxyJar() {
    String jar = System.getProperty(S3PROXY_JAR_PROPERTY);
    if (jar == null || jar.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + S3PROXY_JAR_PROPERTY
              + " is not set: it must point at the S3Proxy jar-with-dependencies (the Maven build"
              + " copies it to <module>/target/s3proxy/s3proxy.jar and passes it to test JVMs)");
    }
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "system property "
              + S3PROXY_JAR_PROPERTY
              + " points at "
              + path
              + ", which is not a file; run the build's generate-test-resources phase first");
    }
    return path;
  }

  private static TestingS3Server startS3Proxy(Path jar) {
    IllegalStateException failure = null;
    // The free port is only free when we look; another process may take it before S3Proxy does.
    for (int attempt = 1; attempt <= STARTUP_ATTEMPTS; attempt++) {
      try {
        return startS3ProxyOnce(jar);
      } catch (IllegalStateException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    throw requireNonNull(failure);
  }

  private static TestingS3Server startS3ProxyOnce(Path jar) {
    try {
      Path workFolder = Files.createTempDirectory("testing-s3proxy-");
      Path dataFolder = Files.createDirectory(workFolder.resolve("data"));
      URI endpoint = URI.create("http://127.0.0.1:" + freePort());

      // Property names from S3Proxy's S3ProxyConstants and jclouds' filesystem provider.
      Properties properties = new Properties();
      properties.setProperty("s3proxy.endpoint", endpoint.toString());
      properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
      properties.setProperty("s3proxy.identity", ACCESS_KEY);
      properties.setProperty("s3proxy.credential", SECRET_KEY);
      properties.setProperty("jclouds.provider", "filesystem");
      properties.setProperty("jclouds.filesystem.basedir", dataFolder.toString());
      Path propertiesFile = workFolder.resolve("s3proxy.properties");
      try (Writer writer = Files.newBufferedWriter(propertiesFile, StandardCharsets.UTF_8)) {
        properties.store(writer, "test S3 server");
      }

      List<String> command =
          List.of(
              javaCommand(),
              "-Xmx512m",
              "-XX:+UseSerialGC",
              "-jar",
              jar.toString(),
              "--properties",
              propertiesFile.toString());
      ServerProcess server =
          ServerProcess.start(
              "S3Proxy", command, workFolder, "s3proxy.log", Duration.ofSeconds(10));
      try (HttpClient http =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
        // Any HTTP answer, even 403 for an unsigned request, means S3Proxy is serving.
        HttpRequest probe = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(2)).build();
        server.awaitServing(
            () -> {
              try {
                http.send(probe, HttpResponse.BodyHandlers.discarding());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
              }
            },
            STARTUP_TIMEOUT,
            Duration.ofMillis(100));
      }
      return new TestingS3Server(endpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start S3Proxy from " + jar, e);
    }
  }

  /** The java binary running this JVM, so S3Proxy gets the same (toolchain) JDK. */
  private static String javaCommand() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
