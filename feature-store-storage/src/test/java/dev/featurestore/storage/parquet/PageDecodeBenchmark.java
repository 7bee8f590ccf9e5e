package dev.featurestore.storage.parquet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * Decodes every Parquet file of a folder (for instance the {@code group} folder that {@code
 * ParquetJoinBenchmark prepare} writes) on one thread, alternately through the bulk page decoder
 * and through parquet-java's per-value column readers, and prints each pass's CPU time: the
 * thread's own, so other processes on a shared machine change it far less than wall time.
 * Arguments: {@code FOLDER [ROUNDS]} (default 3; the first round warms the JIT up).
 */
public final class PageDecodeBenchmark {
  private PageDecodeBenchmark() {}

  public static void main(String[] arguments) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(Path.of(arguments[0]))) {
      files = listing.filter(path -> path.toString().endsWith(".parquet")).sorted().toList();
    }
    int rounds = arguments.length > 1 ? Integer.parseInt(arguments[1]) : 3;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int round = 0; round < rounds; round++) {
        for (boolean bulk : new boolean[] {false, true}) {
          long cpuStart = threads.getCurrentThreadCpuTime();
          long wallStart = System.nanoTime();
          long rows = 0;
          for (Path file : files) {
            rows += decode(file, bulk, allocator);
          }
          System.out.printf(
              Locale.ROOT,
              "round %d, %s: CPU %.2f s, wall %.2f s, %,d rows of %d files%n",
              round,
              bulk ? "bulk pages " : "column readers",
              (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9,
              (System.nanoTime() - wallStart) / 1e9,
              rows,
              files.size());
        }
      }
    }
  }

  /** Every column of the file, in the Arrow types of its Parquet types. */
  private static long decode(Path file, boolean bulk, BufferAllocator allocator)
      throws IOException {
    ParquetFileReader fileReader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder().usePageChecksumVerification(true).build());
    Schema schema = StoredRowParquetSchema.toArrow(fileReader.getFileMetaData().getSchema());
    List<Integer> rowGroups = IntStream.range(0, fileReader.getRowGroups().size()).boxed().toList();
    long rows = 0;
    try (ParquetBatchReader reader =
        new ParquetBatchReader(
            fileReader,
            schema,
            List.of(),
            rowGroups,
            FeatureFileScan.DEFAULT_BATCH_ROWS,
            allocator,
            bulk)) {
      while (reader.loadNextBatch()) {
        rows += reader.batch().getRowCount();
      }
    }
    return rows;
  }
}
