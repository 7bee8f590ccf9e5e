package dev.featurestore.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.UserContext;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.netty.NettyChannelBuilder;

/**
 * One Spark Connect server (Spark 4.0 with Iceberg's Spark runtime, {@code local[2]}) per test JVM,
 * started on first use on loopback and stopped when the JVM exits. It runs in a JVM of its own:
 * Spark 4 supports Java 17 and 21 while our code needs 21 or later, and its Scala, Jackson and
 * Netty would clash with ours.
 *
 * <p>The classpath comes from the file the {@value #CLASSPATH_PROPERTY} system property names (the
 * build's {@code spark-connect-server} module writes it); the JVM is {@value #JAVA_PROPERTY} when
 * set, else the {@code java} on the PATH (Java 17 on our machines).
 */
public final class TestingSparkConnectServer {
  public static final String CLASSPATH_PROPERTY = "spark.connect.classpath";
  public static final String JAVA_PROPERTY = "spark.connect.java";

  // A cold Spark takes ~12 s on two idle cores; other builds may share them.
  private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

  /** The module openings Spark's own launcher adds (its JavaModuleOptions) for Java 17+. */
  private static final List<String> SPARK_JVM_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  private static TestingSparkConnectServer instance;
  private static RuntimeException startupFailure;

  /** The tests' settings: their data is tiny. */
  private static final List<String> TEST_JVM_OPTIONS =
      List.of(
          "-Xmx1g",
          "-XX:+UseSerialGC",
          // One shuffle partition instead of 200, and no code generation, whose compiling takes
          // longer than running the few rows interpreted.
          "-Dspark.sql.shuffle.partitions=1",
          "-Dspark.sql.codegen.wholeStage=false",
          "-Dspark.sql.codegen.factoryMode=NO_CODEGEN");

  private final int port;
  private final ServerProcess process;

  private TestingSparkConnectServer(int port, ServerProcess process) {
    this.port = port;
    this.process = process;
  }

  /** The server of this JVM, started by the first caller. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // a failed start fails every later test fast
  public static synchronized TestingSparkConnectServer instance() {
    if (startupFailure != null) {
      throw new IllegalStateException(
          "the test Spark Connect server failed to start", startupFailure);
    }
    if (instance == null) {
      try {
        instance = start(TEST_JVM_OPTIONS);
      } catch (RuntimeException e) {
        startupFailure = e;
        throw e;
      }
    }
    return instance;
  }

  /**
   * A server of its own for a benchmark (benchmarks/run.sh), with {@code jvmOptions} (heap, Spark
   * settings as {@code -Dspark...}) instead of the tests' shortcuts; stopped when the JVM exits.
   */
  public static TestingSparkConnectServer startForBenchmark(List<String> jvmOptions) {
    return start(jvmOptions);
  }

  /** The server process's peak resident set so far ({@code VmHWM} of its /proc status). */
  public String peakResidentSet() throws IOException {
    return ProcessStatus.peakResidentSet(Long.toString(process.pid()));
  }

  /** The CPU time the server process has used so far, in seconds. */
  public double cpuSeconds() throws IOException {
    return ProcessStatus.cpuSeconds(Long.toString(process.pid()));
  }

  /** The server's address as Spark Connect clients take it: {@code sc://127.0.0.1:<port>}. */
  public String connectUrl() {
    return "sc://127.0.0.1:" + port;
  }

  /**
   * Runs {@code statements} in one new Spark session, as a Spark user outside our server would
   * (settings by {@code SET}, then queries), and answers the last one's rows, each value as text.
   */
  public List<List<String>> sql(String... statements) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try (RootAllocator allocator = new RootAllocator()) {
      var spark = SparkConnectServiceGrpc.newBlockingStub(channel);
      String session = UUID.randomUUID().toString();
      List<List<String>> rows = new ArrayList<>();
      for (String statement : statements) {
        rows.clear();
        ExecutePlanRequest request =
            ExecutePlanRequest.newBuilder()
                .setSessionId(session)
                .setUserContext(UserContext.newBuilder().setUserId("test"))
                .setPlan(
                    Plan.newBuilder()
                        .setRoot(
                            Relation.newBuilder().setSql(SQL.newBuilder().setQuery(statement))))
                .build();
        Iterator<ExecutePlanResponse> answers = spark.executePlan(request);
        while (answers.hasNext()) {
          ExecutePlanResponse answer = answers.next();
          if (answer.hasArrowBatch()) {
            rows.addAll(rowsOf(answer.getArrowBatch().getData().toByteArray(), allocator));
          }
        }
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Spark answered Arrow that does not read", e);
    } finally {
      channel.shutdownNow();
    }
  }

  private static List<List<String>> rowsOf(byte[] arrow, RootAllocator allocator)
      throws IOException {
    List<List<String>> rows = new ArrayList<>();
    try (ArrowStreamReader reader =
        new ArrowStreamReader(new ByteArrayInputStream(arrow), allocator)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        for (int row = 0; row < batch.getRowCount(); row++) {
          List<String> values = new ArrayList<>();
          for (FieldVector column : batch.getFieldVectors()) {
            values.add(String.valueOf(column.getObject(row)));
          }
          rows.add(values);
        }
      }
    }
    return rows;
  }

  private static TestingSparkConnectServer start(List<String> jvmOptions) {
    String classpathFile = System.getProperty(CLASSPATH_PROPERTY);
    if (classpathFile == null || !Files.isRegularFile(Path.of(classpathFile))) {
      throw new IllegalStateException(
          "system property "
              + CLASSPATH_PROPERTY
              + " ("
              + classpathFile
              + ") must name the classpath file that the spark-connect-server module writes;"
              + " build it first (./mvnw -pl src-test-fixtures/spark-connect-server generate-resources)");
    }
    try {
      String classpath = Files.readString(Path.of(classpathFile), StandardCharsets.UTF_8).strip();
      Path workFolder = Files.createTempDirectory("testing-spark-connect-");
      int port = freePort();
      List<String> command = new ArrayList<>();
      command.add(System.getProperty(JAVA_PROPERTY, "java"));
      command.addAll(SPARK_JVM_OPTIONS);
      command.addAll(jvmOptions);
      command.addAll(
          List.of(
              "-Dspark.master=local[2]",
              "-Dspark.driver.host=127.0.0.1",
              "-Dspark.driver.bindAddress=127.0.0.1",
              "-Dspark.connect.grpc.binding.address=127.0.0.1",
              "-Dspark.connect.grpc.binding.port=" + port,
              "-Dspark.ui.enabled=false",
              "-Dspark.local.dir=" + workFolder.resolve("local"),
              "-Dspark.sql.warehouse.dir=" + workFolder.resolve("warehouse"),
              "-cp",
              classpath,
              "org.apache.spark.sql.connect.service.SparkConnectServer"));
      ServerProcess server =
          ServerProcess.start(
              "Spark Connect", command, workFolder, "spark-connect.log", Duration.ofSeconds(20));
      // Spark opens its gRPC port last, once its session is ready.
      server.awaitServing(
          () -> {
            try (Socket socket = new Socket()) {
              socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
          },
          STARTUP_TIMEOUT,
          Duration.ofMillis(200));
      return new TestingSparkConnectServer(port, server);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the Spark Connect server", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
