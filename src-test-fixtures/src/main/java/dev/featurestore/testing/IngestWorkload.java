package dev.featurestore.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The ingest workload of {@code benchmarks.md} (the S group: {@code keys} x {@code versions} rows,
 * a string key {@code user_id}, {@code event_time} and 10 FLOAT64 features {@code f0..f9}), the
 * same rows as a Parquet body (written by DuckDB) and an Arrow IPC stream body, and DuckDB's
 * baseline over them. Shared by the benchmark that calls the writer directly and the one that goes
 * through the HTTP API, so that both upload the same bytes.
 */
public record IngestWorkload(int keys, int versions, Path parquet, Path arrowStream) {
  public static final int FEATURES = 10;

  /** Writes both upload bodies of {@code keys} x {@code versions} rows into {@code folder}. */
  public static IngestWorkload write(int keys, int versions, Path folder)
      throws SQLException, IOException {
    String query = query(keys, versions);
    return new IngestWorkload(
        keys,
        versions,
        UploadBodies.parquet(query, folder.resolve("upload.parquet")),
        UploadBodies.arrowStream(query, folder.resolve("upload.arrow")));
  }

  /** The feature names, {@code f0..f9}. */
  public static String featureName(int index) {
    return "f" + index;
  }

  public long rows() {
    return (long) keys * versions;
  }

  /**
   * The baseline: DuckDB reads the Parquet body and writes it sorted by (key, event time) with
   * zstd, as our commit path does. Returns the elapsed nanoseconds.
   */
  public long duckDbSortedCopy(Path target) throws SQLException {
    try (Connection duckdb = UploadBodies.duckDb();
        Statement sql = duckdb.createStatement()) {
      long started = System.nanoTime();
      sql.execute(
          "COPY (SELECT * FROM read_parquet('"
              + parquet
              + "') ORDER BY user_id, event_time) TO '"
              + target
              + "' (FORMAT parquet, COMPRESSION zstd)");
      return System.nanoTime() - started;
    }
  }

  /** One result line: seconds, rows/s and MB/s of {@code bytes} (the upload body). */
  public static String rates(String what, long rows, long bytes, long nanos) {
    double seconds = nanos / 1e9;
    return String.format(
        Locale.ROOT,
        "%-28s %6.2f s  %,12.0f rows/s  %7.1f MB/s",
        what,
        seconds,
        rows / seconds,
        bytes / 1e6 / seconds);
  }

  private static String query(int keys, int versions) {
    StringBuilder features = new StringBuilder();
    for (int f = 0; f < FEATURES; f++) {
      features
          .append(", hash(i, ")
          .append(f)
          .append(") % 100000 / 7.0::DOUBLE AS ")
          .append(featureName(f));
    }
    // Rows arrive in version order, as a daily batch job would append them: not sorted by key.
    return "SELECT 'user_' || (i % "
        + keys
        + ") AS user_id, TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_hours(i // "
        + keys
        + ") AS event_time"
        + features
        + " FROM range("
        + (long) keys * versions
        + ") t(i)";
  }

  /** The bytes of every file under {@code folder}: the objects the benchmark's commits stored. */
  public static long folderBytes(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      long bytes = 0;
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        bytes += Files.size(file);
      }
      return bytes;
    }
  }
}
