package dev.featurestore.storage.parquet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.CodecFactory;

/**
 * The page compression of {@code feature-store.parquet.zstd-level} alone, per level: 200 pages of 1
 * MiB, half FLOAT64 values uniform in [0, 1) as the ingest benchmark's features, half sorted
 * length-prefixed keys; prints the compressing thread's CPU time and the compressed share of each
 * half, alternating the levels for five rounds. How to run it and its figures:
 * docs/benchmarks-ingest.md. Arguments: the levels (default 3 2 1 -1).
 */
public final class ZstdLevelBenchmark {
  private static final int PAGES = 200;
  private static final int PAGE_BYTES = 1 << 20;
  private static final int ROUNDS = 5;

  private ZstdLevelBenchmark() {}

  public static void main(String[] args) throws IOException {
    List<Integer> levels = new ArrayList<>();
    for (String level : args.length > 0 ? args : new String[] {"3", "2", "1", "-1"}) {
      levels.add(Integer.parseInt(level));
    }
    List<byte[]> pages = pages();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 1; round <= ROUNDS; round++) {
      for (int level : levels) {
        CodecFactory codecs = new CodecFactory(new PlainParquetConfiguration(), PAGE_BYTES);
        try {
          BytesInputCompressor compressor = ParquetCompression.zstd(level).compressor(codecs);
          long doubles = 0;
          long keys = 0;
          long cpu = threads.getCurrentThreadCpuTime();
          for (int page = 0; page < PAGES; page++) {
            long size = compressor.compress(BytesInput.from(pages.get(page))).size();
            if (page % 2 == 0) {
              doubles += size;
            } else {
              keys += size;
            }
          }
          System.out.printf(
              Locale.ROOT,
              "round %d level %d: CPU %.0f ms; doubles to %.2f%%, keys to %.2f%%%n",
              round,
              level,
              (threads.getCurrentThreadCpuTime() - cpu) / 1e6,
              100.0 * doubles / (PAGES / 2 * (double) PAGE_BYTES),
              100.0 * keys / (PAGES / 2 * (double) PAGE_BYTES));
        } finally {
          codecs.release();
        }
      }
    }
  }

  private static List<byte[]> pages() {
    List<byte[]> pages = new ArrayList<>();
    long seed = 42;
    for (int page = 0; page < PAGES; page++) {
      ByteBuffer bytes = ByteBuffer.allocate(PAGE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      if (page % 2 == 0) {
        while (bytes.remaining() >= Double.BYTES) {
          seed = seed * 6364136223846793005L + 1442695040888963407L;
          bytes.putDouble((seed >>> 11) * 0x1.0p-53);
        }
      } else {
        int key = page * 1_000;
        int version = 0;
        while (bytes.remaining() >= 20) {
          byte[] text = "user_%07d".formatted(key).getBytes(StandardCharsets.UTF_8);
          bytes.putInt(text.length).put(text);
          if (++version == 50) {
            version = 0;
            key++;
          }
        }
      }
      pages.add(bytes.array());
    }
    return pages;
  }
}
