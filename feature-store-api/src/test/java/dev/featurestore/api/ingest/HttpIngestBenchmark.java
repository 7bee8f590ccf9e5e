package dev.featurestore.api.ingest;

import dev.featurestore.api.ChildServer;
import dev.featurestore.testing.Folders;
import dev.featurestore.testing.IngestWorkload;
import dev.featurestore.testing.ProcessStatus;
import dev.featurestore.testing.TestingPostgres;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ingest benchmark of docs/benchmarks-ingest.md through the HTTP API: the server runs in its
 * own JVM (embedded Postgres, local-disk objects), the S group is created over REST and its rows
 * are POSTed to {@code /commits} as Parquet and as an Arrow IPC stream, interleaved with DuckDB
 * reading the same Parquet and writing it sorted with zstd, for two rounds. Prints per upload the
 * wall time, rows/s, MB/s of the body, the server's peak heap (sampled every 20 ms from
 * /actuator/metrics) and its peak RSS (VmHWM, reset before each upload), DuckDB's process peak RSS
 * (this JVM's, reset the same way before DuckDB runs) and the ratio to DuckDB's rate of the same
 * round. Arguments: keys, versions per key (defaults 100000 and 50), rounds (2).
 */
public final class HttpIngestBenchmark {
  private static final String GROUP = "s_group";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private HttpIngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int versions = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path folder = Files.createTempDirectory("http-ingest-benchmark");
    IngestWorkload workload = IngestWorkload.write(keys, versions, folder);
    System.out.printf(
        Locale.ROOT,
        "%,d rows; Parquet body %.1f MB, Arrow body %.1f MB%n",
        workload.rows(),
        Files.size(workload.parquet()) / 1e6,
        Files.size(workload.arrowStream()) / 1e6);

    ChildServer.warmUpAsInProduction();
    Path data = Files.createDirectories(folder.resolve("data"));
    Path objects = data.resolve("objects");
    // Not TestCatalogs.sharedPostgres(): it hands the stop at exit to Spring's shutdown handlers,
    // which run only in a JVM that ran a SpringApplication (this one does not), so the PostgreSQL
    // outlived every run; TestingPostgres's own JVM shutdown hook stops it.
    ChildServer server =
        ChildServer.start(TestingPostgres.instance().createDatabase(), data, Duration.ofHours(1));
    try {
      createGroup(server);
      for (int round = 1; round <= rounds; round++) {
        long parquetNanos =
            upload(
                server,
                objects,
                workload,
                "Parquet",
                "application/vnd.apache.parquet",
                workload.parquet());
        long arrowNanos =
            upload(
                server,
                objects,
                workload,
                "Arrow IPC stream",
                "application/vnd.apache.arrow.stream",
                workload.arrowStream());
        Path sorted = folder.resolve("duckdb-" + round + ".parquet");
        long self = ProcessHandle.current().pid();
        resetPeakResident(self);
        long duckDbNanos = workload.duckDbSortedCopy(sorted);
        System.out.println(
            IngestWorkload.rates(
                "DuckDB read+sort+write",
                workload.rows(),
                Files.size(workload.parquet()),
                duckDbNanos));
        // DuckDB runs in this process: its peak RSS is DuckDB's native memory plus this JVM's.
        System.out.printf(
            Locale.ROOT,
            "  DuckDB process peak RSS %.0f MB%n",
            ProcessStatus.peakResidentBytes("self") / 1e6);
        Files.delete(sorted);
        System.out.printf(
            Locale.ROOT,
            "round %d: rows/s ratio to DuckDB: Parquet %.2f, Arrow IPC stream %.2f%n",
            round,
            (double) duckDbNanos / parquetNanos,
            (double) duckDbNanos / arrowNanos);
      }
    } finally {
      server.kill();
      Folders.deleteRecursively(folder);
    }
  }

  private static void createGroup(ChildServer server) throws IOException, InterruptedException {
    server.post(
        "/api/v1/entities", "application/json", "{\"name\":\"user_id\",\"keyType\":\"STRING\"}");
    StringBuilder features = new StringBuilder();
    for (int f = 0; f < IngestWorkload.FEATURES; f++) {
      features
          .append(f == 0 ? "" : ",")
          .append("{\"name\":\"")
          .append(IngestWorkload.featureName(f))
          .append("\",\"type\":\"FLOAT64\"}");
    }
    server.post(
        "/api/v1/feature-groups",
        "application/json",
        "{\"name\":\"" + GROUP + "\",\"entity\":\"user_id\",\"features\":[" + features + "]}");
  }

  /** POSTs one body as a commit, prints its figures and returns its wall time. */
  private static long upload(
      ChildServer server,
      Path objects,
      IngestWorkload workload,
      String label,
      String contentType,
      Path body)
      throws Exception {
    long pid = server.process().pid();
    resetPeakResident(pid);
    AtomicLong peakHeap = new AtomicLong(heapUsed(server));
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      peakHeap.accumulateAndGet(heapUsed(server), Math::max);
                      Thread.sleep(20);
                    }
                  } catch (InterruptedException | IOException stopped) {
                    // The upload finished (or the server went away): stop sampling.
                  }
                });
    double cpuBefore = ProcessStatus.cpuSeconds(Long.toString(pid));
    long started = System.nanoTime();
    HttpResponse<String> response =
        server.commit(GROUP, contentType, HttpRequest.BodyPublishers.ofFile(body));
    long nanos = System.nanoTime() - started;
    double cpuSeconds = ProcessStatus.cpuSeconds(Long.toString(pid)) - cpuBefore;
    sampler.interrupt();
    sampler.join();
    if (response.statusCode() != 201) {
      throw new IllegalStateException(
          "the commit answered " + response.statusCode() + ": " + response.body());
    }
    long rows = JSON.readTree(response.body()).get("rows").asLong();
    if (rows != workload.rows()) {
      throw new IllegalStateException("committed " + rows + " rows of " + workload.rows());
    }
    System.out.println(IngestWorkload.rates(label + " over HTTP", rows, Files.size(body), nanos));
    System.out.printf(
        Locale.ROOT,
        "  server peak heap %.0f MB (sampled), peak RSS %.0f MB%n",
        peakHeap.get() / 1e6,
        ProcessStatus.peakResidentBytes(Long.toString(pid)) / 1e6);
    // CPU time hardly changes with the machine's load, unlike the wall time.
    System.out.printf(
        Locale.ROOT,
        "  server CPU %.2f s (user+sys); stored objects %.1f MB in all%n",
        cpuSeconds,
        IngestWorkload.folderBytes(objects) / 1e6);
    return nanos;
  }

  /** Writing 5 to clear_refs resets the process's peak RSS (VmHWM) to its current RSS. */
  private static void resetPeakResident(long pid) throws IOException {
    Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
  }

  private static long heapUsed(ChildServer server) throws IOException, InterruptedException {
    HttpResponse<String> response = server.get("/actuator/metrics/jvm.memory.used?tag=area:heap");
    return (long) JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
  }
}
