package dev.featurestore.api.training;

import dev.featurestore.api.ChildServer;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.testing.BenchmarkWorkload;
import dev.featurestore.testing.Folders;
import dev.featurestore.testing.ProcessStatus;
import dev.featurestore.testing.UploadBodies;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The training set through the server, as a user gets it, against DuckDB's {@code ASOF LEFT JOIN}
 * of the same files; each side in its own JVM (benchmarks/run.sh alternates them). Arguments:
 * {@code MODE WORKLOAD FOLDER [BUILDS]}, WORKLOAD {@code S} (the join benchmark's S: 5M rows, a
 * 1M-row spine) or {@code quick} (1M rows, a 200k-row spine), MODE one of
 *
 * <ul>
 *   <li>{@code prepare}: writes the group's rows as one Parquet upload body ({@code group.parquet},
 *       in commit order, not sorted by key) and the spine ({@code spine.parquet}) to FOLDER;
 *   <li>{@code server}: starts the server in its own JVM (the embedded default: a PostgreSQL and
 *       the objects in a fresh data folder), commits {@code group.parquet} over HTTP, uploads the
 *       spine and builds BUILDS training sets, each a job timed from the request to the job's end
 *       (build 0 is the first after the start and the commit); the last one's output is downloaded
 *       to {@code server.parquet};
 *   <li>{@code duckdb}: BUILDS times DuckDB's ASOF LEFT JOIN of the same two files to {@code
 *       duckdb-server.parquet} (iteration 0 is the first of a fresh process);
 *   <li>{@code compare}: whether the two outputs hold the same rows.
 * </ul>
 */
public final class TrainingSetServerBenchmark {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String GROUP = "benchmark";
  private static final String KEY = "user_id";
  private static final String TIME = "event_time";
  private static final int BODY_BATCH_ROWS = 100_000;

  /**
   * How long to wait between two looks at a build's job ({@code -Dserver-benchmark.poll-millis}, 10
   * by default): each look is a request the server answers while the job runs, so a shorter wait
   * sees the end sooner but takes CPU from the build.
   */
  private static final long POLL_MILLIS = Long.getLong("server-benchmark.poll-millis", 10);

  private TrainingSetServerBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    String mode = arguments[0];
    BenchmarkWorkload workload = workload(arguments[1]);
    Path folder = Path.of(arguments[2]).toAbsolutePath();
    int builds = arguments.length > 3 ? Integer.parseInt(arguments[3]) : 1;
    switch (mode) {
      case "prepare" -> prepare(workload, folder);
      case "server" -> runServer(workload, folder, builds);
      case "duckdb" -> runDuckDb(workload, folder, builds);
      case "compare" -> compare(workload, folder);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static BenchmarkWorkload workload(String name) {
    return switch (name) {
      case "S" -> BenchmarkWorkload.S;
      case "quick" -> new BenchmarkWorkload("quick", 20_000, 50, 10, 200_000, 42);
      default -> throw new IllegalArgumentException("unknown workload " + name);
    };
  }

  private static void prepare(BenchmarkWorkload workload, Path folder) throws IOException {
    Files.createDirectories(folder);
    List<Field> groupFields = new ArrayList<>(List.of(keyField(), timeField()));
    for (int f = 0; f < workload.featureCount(); f++) {
      groupFields.add(
          new Field(
              workload.featureName(f),
              FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              null));
    }
    try (BufferAllocator allocator = new RootAllocator();
        ExecutorService encoders = Executors.newVirtualThreadPerTaskExecutor()) {
      try (ParquetBody body =
          new ParquetBody(
              folder.resolve("group.parquet"), new Schema(groupFields), allocator, encoders)) {
        workload.generateFeatureChunks(
            BODY_BATCH_ROWS,
            chunk ->
                body.write(
                    chunk.rowCount(),
                    column ->
                        switch (column) {
                          case 0 -> chunk.keys();
                          case 1 -> chunk.eventTimeMicros();
                          default -> chunk.features()[column - 2];
                        }));
      }
      try (ParquetBody spine =
          new ParquetBody(
              folder.resolve("spine.parquet"),
              new Schema(List.of(keyField(), timeField())),
              allocator,
              encoders)) {
        workload.generateSpineChunks(
            BODY_BATCH_ROWS,
            chunk ->
                spine.write(
                    chunk.rowCount(),
                    column -> column == 0 ? chunk.keys() : chunk.spineTimeMicros()));
      }
    }
  }

  private static Field keyField() {
    return new Field(KEY, FieldType.notNullable(new ArrowType.Int(64, true)), null);
  }

  private static Field timeField() {
    return new Field(
        TIME, FieldType.notNullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")), null);
  }

  /** A Parquet file written batch by batch from columns of primitive arrays. */
  private static final class ParquetBody implements AutoCloseable {
    private final VectorSchemaRoot batch;
    private final ArrowParquetWriter writer;

    ParquetBody(Path file, Schema schema, BufferAllocator allocator, ExecutorService encoders)
        throws IOException {
      this.batch = VectorSchemaRoot.create(schema, allocator);
      this.writer = new ArrowParquetWriter(file, "rows", schema, encoders);
    }

    /** Column {@code c}'s values are {@code columns.apply(c)}: a long[] or a double[]. */
    void write(int rows, IntFunction<Object> columns) {
      batch.allocateNew();
      for (int c = 0; c < batch.getFieldVectors().size(); c++) {
        FieldVector vector = batch.getVector(c);
        Object values = columns.apply(c);
        for (int row = 0; row < rows; row++) {
          switch (vector) {
            case BigIntVector keys -> keys.setSafe(row, ((long[]) values)[row]);
            case TimeStampMicroTZVector times -> times.setSafe(row, ((long[]) values)[row]);
            case Float8Vector features -> features.setSafe(row, ((double[]) values)[row]);
            default -> throw new IllegalStateException("unexpected column " + vector.getField());
          }
        }
      }
      batch.setRowCount(rows);
      try {
        writer.write(batch); // takes the buffers over; allocateNew gives the next batch its own
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        writer.finish();
      } finally {
        writer.close();
        batch.close();
      }
    }
  }

  private static void runServer(BenchmarkWorkload workload, Path folder, int builds)
      throws Exception {
    Path data = Files.createTempDirectory(folder, "server-data-");
    // ChildServer runs tests' servers on the quick compiler only; measure both, as in production.
    System.setProperty(
        "child-server.jvm-options",
        "-XX:TieredStopAtLevel=4 " + System.getProperty("child-server.jvm-options", ""));
    ChildServer.warmUpAsInProduction();
    long starting = System.nanoTime();
    ChildServer server = ChildServer.startWithEmbeddedCatalog(data);
    System.out.printf(
        Locale.ROOT,
        "server ready after %.3f s, CPU %.3f s%n",
        seconds(starting),
        cpuSeconds(server.process()));
    try {
      server.post(
          "/api/v1/entities",
          "application/json",
          "{\"name\":\"" + KEY + "\",\"keyType\":\"INT64\"}");
      String features =
          IntStream.range(0, workload.featureCount())
              .mapToObj(f -> "{\"name\":\"" + workload.featureName(f) + "\",\"type\":\"FLOAT64\"}")
              .collect(Collectors.joining(","));
      server.post(
          "/api/v1/feature-groups",
          "application/json",
          "{\"name\":\""
              + GROUP
              + "\",\"entity\":\""
              + KEY
              + "\",\"features\":["
              + features
              + "]}");
      long started = System.nanoTime();
      HttpResponse<String> commit =
          server.commit(
              GROUP,
              "application/vnd.apache.parquet",
              HttpRequest.BodyPublishers.ofFile(folder.resolve("group.parquet")));
      require(commit, 201);
      System.out.printf(
          Locale.ROOT,
          "commit of %,d rows over HTTP: %.3f s, %s files%n",
          workload.featureRowCount(),
          seconds(started),
          JSON.readTree(commit.body()).get("files"));
      started = System.nanoTime();
      HttpResponse<String> upload =
          server
              .http()
              .send(
                  server.authorized(
                      HttpRequest.newBuilder(server.base().resolve("/api/v1/uploads"))
                          .header("Content-Type", "application/vnd.apache.parquet")
                          .POST(
                              HttpRequest.BodyPublishers.ofFile(folder.resolve("spine.parquet")))),
                  HttpResponse.BodyHandlers.ofString());
      require(upload, 201);
      String uploadId = JSON.readTree(upload.body()).get("id").asString();
      System.out.printf(Locale.ROOT, "spine upload: %.3f s%n", seconds(started));
      String trainingSet = null;
      for (int build = 0; build < builds; build++) {
        double cpuBefore = cpuSeconds(server.process());
        Map<String, Double> threadsBefore = cpuByThreadKind(server.process());
        started = System.nanoTime();
        Build done = build(server, "benchmark_" + build, uploadId);
        trainingSet = done.trainingSet();
        int looks = done.looks();
        double seconds = seconds(started);
        double cpu = cpuSeconds(server.process()) - cpuBefore;
        Map<String, Double> threadsAfter = cpuByThreadKind(server.process());
        JsonNode built = JSON.readTree(server.get("/api/v1/training-sets/" + trainingSet).body());
        if (built.get("rows").asLong() != workload.spineRowCount()) {
          throw new IllegalStateException("built " + built.get("rows") + " rows: " + built);
        }
        System.out.printf(
            Locale.ROOT,
            "server %s iteration %d: %.3f s, %,.0f spine rows/s, CPU %.3f s (%s), %d looks at the"
                + " job, timings %s%n",
            workload.name(),
            build,
            seconds,
            workload.spineRowCount() / seconds,
            cpu,
            threadsAfter.entrySet().stream()
                .map(
                    kind ->
                        String.format(
                            Locale.ROOT,
                            "%s %.2f",
                            kind.getKey(),
                            kind.getValue() - threadsBefore.getOrDefault(kind.getKey(), 0.0)))
                .collect(Collectors.joining(", ")),
            looks,
            built.get("timingsMillis"));
      }
      HttpResponse<Path> output =
          server
              .http()
              .send(
                  server.authorized(
                      HttpRequest.newBuilder(
                              server
                                  .base()
                                  .resolve("/api/v1/training-sets/" + trainingSet + "/data"))
                          .header("Accept", "application/vnd.apache.parquet")),
                  HttpResponse.BodyHandlers.ofFile(folder.resolve("server.parquet")));
      if (output.statusCode() != 200) {
        throw new IllegalStateException("the download answered " + output.statusCode());
      }
      System.out.printf(
          Locale.ROOT,
          "server process peak RSS %s%n",
          ProcessStatus.peakResidentSet(Long.toString(server.process().pid())));
    } finally {
      server.stop(); // SIGTERM: the server stops its embedded PostgreSQL too
      Folders.deleteRecursively(data);
    }
  }

  /**
   * CPU time of the server and its PostgreSQL so far: on a shared machine a steadier measure of the
   * work done than wall time, which also counts waiting for a CPU.
   */
  private static double cpuSeconds(Process server) {
    return Stream.concat(Stream.of(server.toHandle()), server.descendants())
            .mapToLong(
                process -> process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
            .sum()
        / 1e9;
  }

  /**
   * CPU seconds of the server's threads so far by kind (the JIT compilers, the collector, the
   * others): where a first build's extra time goes.
   */
  private static Map<String, Double> cpuByThreadKind(Process server) throws IOException {
    Map<String, Double> seconds = new TreeMap<>();
    for (ProcessStatus.ThreadCpu thread :
        ProcessStatus.threadCpuSeconds(Long.toString(server.pid()))) {
      String name = thread.name();
      String kind =
          name.contains("CompilerThre")
              ? "jit"
              : name.startsWith("G1") || name.startsWith("GC Thread") ? "gc" : "java";
      seconds.merge(kind, thread.cpuSeconds(), Double::sum);
    }
    return seconds;
  }

  /** A training set built, and how many times its job was looked at until it had succeeded. */
  private record Build(String trainingSet, int looks) {}

  /** Requests a training set over the uploaded spine and waits for its job. */
  private static Build build(ChildServer server, String name, String uploadId) throws Exception {
    HttpResponse<String> accepted =
        server.postForResponse(
            "/api/v1/training-sets",
            "application/json",
            "{\"name\":\""
                + name
                + "\",\"spine\":{\"upload\":\""
                + uploadId
                + "\"},\"features\":[\""
                + GROUP
                + ":*\"]}");
    require(accepted, 202);
    String job = accepted.headers().firstValue("Location").orElseThrow();
    for (int looks = 1; ; looks++) {
      JsonNode status = JSON.readTree(server.get(job).body());
      switch (status.get("status").asString()) {
        case "SUCCEEDED" -> {
          return new Build(JSON.readTree(accepted.body()).get("trainingSetId").asString(), looks);
        }
        case "FAILED", "CANCELLED" -> throw new IllegalStateException("the job ended: " + status);
        default -> Thread.sleep(POLL_MILLIS);
      }
    }
  }

  private static void runDuckDb(BenchmarkWorkload workload, Path folder, int iterations)
      throws SQLException, IOException {
    Path output = folder.resolve("duckdb-server.parquet");
    String features =
        IntStream.range(0, workload.featureCount())
            .mapToObj(f -> "g." + workload.featureName(f))
            .collect(Collectors.joining(", "));
    try (Connection duckDb = UploadBodies.duckDb();
        Statement sql = duckDb.createStatement()) {
      sql.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      for (int iteration = 0; iteration < iterations; iteration++) {
        Files.deleteIfExists(output);
        long started = System.nanoTime();
        sql.execute(
            "COPY (SELECT s.user_id, s.event_time, "
                + features
                + " FROM read_parquet("
                + quoted(folder.resolve("spine.parquet"))
                + ") s ASOF LEFT JOIN read_parquet("
                + quoted(folder.resolve("group.parquet"))
                + ") g ON s.user_id = g.user_id AND s.event_time >= g.event_time) TO "
                + quoted(output)
                + " (FORMAT parquet, COMPRESSION zstd)");
        double seconds = seconds(started);
        System.out.printf(
            Locale.ROOT,
            "duckdb %s iteration %d: %.3f s, %,.0f spine rows/s, threads %d%n",
            workload.name(),
            iteration,
            seconds,
            workload.spineRowCount() / seconds,
            Runtime.getRuntime().availableProcessors());
      }
    }
    System.out.printf(Locale.ROOT, "process peak RSS %s%n", ProcessStatus.peakResidentSet("self"));
  }

  private static void compare(BenchmarkWorkload workload, Path folder) throws SQLException {
    String ours = "SELECT * FROM read_parquet(" + quoted(folder.resolve("server.parquet")) + ")";
    String theirs =
        "SELECT * FROM read_parquet(" + quoted(folder.resolve("duckdb-server.parquet")) + ")";
    try (Connection duckDb = UploadBodies.duckDb()) {
      System.out.printf(
          Locale.ROOT,
          "ours: %,d rows (spine %,d), %,d with features; rows differing from DuckDB's: %,d%n",
          count(duckDb, "SELECT count(*) FROM (" + ours + ")"),
          workload.spineRowCount(),
          count(duckDb, "SELECT count(*) FROM (" + ours + ") WHERE f0 IS NOT NULL"),
          count(
              duckDb,
              "SELECT (SELECT count(*) FROM ("
                  + ours
                  + " EXCEPT ALL "
                  + theirs
                  + ")) + (SELECT count(*) FROM ("
                  + theirs
                  + " EXCEPT ALL "
                  + ours
                  + "))"));
    }
  }

  private static long count(Connection duckDb, String query) throws SQLException {
    try (Statement sql = duckDb.createStatement();
        ResultSet result = sql.executeQuery(query)) {
      result.next();
      return result.getLong(1);
    }
  }

  private static void require(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(
          "answered " + response.statusCode() + " instead of " + status + ": " + response.body());
    }
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static String quoted(Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
  }
}
