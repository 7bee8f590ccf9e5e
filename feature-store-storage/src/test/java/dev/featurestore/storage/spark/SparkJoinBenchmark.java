package dev.featurestore.storage.spark;

import dev.featurestore.core.join.FeatureGroupRequest;
import dev.featurestore.core.join.FeatureSelection;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.storage.training.ParquetJoinBenchmark;
import dev.featurestore.storage.training.ParquetJoinPipeline;
import dev.featurestore.testing.BenchmarkWorkload;
import dev.featurestore.testing.TestingSparkConnectServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Spark side of benchmarks/run.sh's {@code spark} and {@code scale} parts: our Spark engine's
 * SQL ({@link SparkJoinSql}) over the files {@code ParquetJoinBenchmark prepare} wrote, on a Spark
 * Connect server of its own ({@code local[2]}, in a JVM of its own on the {@code java} of the PATH,
 * as the tests' server), its output written by Spark as Parquet to FOLDER/{@value
 * ParquetJoinBenchmark#SPARK_OUTPUT}. Arguments: {@code WORKLOAD FOLDER ITERATIONS HEAP
 * EVENT_LOGS}: the server's {@code -Xmx}, and the folder of its event log (each stage's time, for
 * {@code benchmarks/spark-stages.py}).
 *
 * <p>As {@link SparkConnectJoin} but for the ends: the spine is read by Spark from its Parquet
 * file, each row numbered by its place in the file, instead of sent as one message (an L spine is
 * 20M rows, over the 128 MiB a message may have), and the output is Spark's to write instead of
 * coming back through our process. The group's files store each row's commit sequence, so no file
 * needs the adding commit's.
 */
public final class SparkJoinBenchmark {
  private SparkJoinBenchmark() {}

  public static void main(String[] arguments) throws Exception {
    BenchmarkWorkload workload = BenchmarkWorkload.named(arguments[0]);
    Path folder = Path.of(arguments[1]).toAbsolutePath();
    int iterations = Integer.parseInt(arguments[2]);
    String heap = arguments[3];
    Path eventLogs = Files.createDirectories(Path.of(arguments[4]).toAbsolutePath());
    TestingSparkConnectServer spark =
        TestingSparkConnectServer.startForBenchmark(
            List.of(
                "-Xmx" + heap,
                "-Dspark.eventLog.enabled=true",
                "-Dspark.eventLog.compress=false",
                "-Dspark.eventLog.dir=" + eventLogs.toUri()));
    FeatureGroup group = ParquetJoinPipeline.group(workload, Duration.ZERO);
    List<FeatureSelection> features =
        group.features().stream().map(feature -> FeatureSelection.of(feature.name())).toList();
    FeatureGroupRequest request =
        new FeatureGroupRequest(
            group,
            Long.MAX_VALUE,
            features,
            batches -> {
              throw new UnsupportedOperationException("Spark reads the group's files itself");
            });
    String join = SparkJoinSql.join(List.of(request), List.of(List.of()), Optional.empty());
    Path output = folder.resolve(ParquetJoinBenchmark.SPARK_OUTPUT);
    for (int iteration = 0; iteration < iterations; iteration++) {
      long start = System.nanoTime();
      var unused =
          spark.sql(
              "SET spark.sql.session.timeZone=UTC",
              "CREATE OR REPLACE TEMPORARY VIEW "
                  + SparkJoinSql.SPINE_VIEW
                  + " AS SELECT _metadata.row_index AS "
                  + SparkJoinSql.SPINE_ROW
                  + ", user_id, spine_time AS "
                  + FeatureGroup.EVENT_TIME
                  + " FROM parquet.`"
                  + folder.resolve("spine.parquet").toUri()
                  + "`",
              "CREATE OR REPLACE TEMPORARY VIEW "
                  + SparkJoinSql.groupView(0)
                  + " AS SELECT *, _metadata.file_name AS "
                  + SparkJoinSql.FILE_NAME
                  + " FROM parquet.`"
                  + folder.resolve("group").toUri()
                  + "`",
              "INSERT OVERWRITE DIRECTORY '" + output.toUri() + "' USING parquet " + join);
      ParquetJoinBenchmark.report(
          "spark",
          workload,
          iteration,
          System.nanoTime() - start,
          spark.peakResidentSet(),
          String.format(
              Locale.ROOT,
              "peak RSS and CPU %.1f s so far of the Spark Connect server (-Xmx%s, local[2])",
              spark.cpuSeconds(),
              heap));
    }
    System.exit(0); // stops the server (a shutdown hook) although gRPC threads linger
  }
}
