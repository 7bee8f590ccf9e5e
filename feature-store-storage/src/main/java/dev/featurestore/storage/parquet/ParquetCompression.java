package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import com.github.luben.zstd.Zstd;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * How our Parquet writers (feature files, training-set outputs) compress pages: zstd at a level, or
 * another codec at its own default.
 *
 * @param level the zstd level ({@link Zstd#minCompressionLevel()} to {@link
 *     Zstd#maxCompressionLevel()}); ignored by other codecs
 */
public record ParquetCompression(CompressionCodecName codec, int level) {
  /**
   * Measured in docs/benchmarks-ingest.md: on the benchmark's doubles and keys, level 1 compresses
   * as well as parquet-java's default 3 with about 15% less CPU.
   */
  public static final int DEFAULT_ZSTD_LEVEL = 1;

  public static final ParquetCompression DEFAULT = zstd(DEFAULT_ZSTD_LEVEL);

  public ParquetCompression {
    requireNonNull(codec, "codec is null");
    if (codec == CompressionCodecName.ZSTD
        && (level < Zstd.minCompressionLevel() || level > Zstd.maxCompressionLevel())) {
      throw new IllegalArgumentException(
          "zstd level "
              + level
              + " is outside "
              + Zstd.minCompressionLevel()
              + ".."
              + Zstd.maxCompressionLevel());
    }
  }

  public static ParquetCompression zstd(int level) {
    return new ParquetCompression(CompressionCodecName.ZSTD, level);
  }

  /** {@code codec} at its default (zstd: {@link #DEFAULT_ZSTD_LEVEL}). */
  public static ParquetCompression of(CompressionCodecName codec) {
    return new ParquetCompression(codec, DEFAULT_ZSTD_LEVEL);
  }

  /** A compressor of {@code codecs} (which owns and releases it) for this codec and level. */
  BytesInputCompressor compressor(CodecFactory codecs) {
    return codec == CompressionCodecName.ZSTD
        ? codecs.getCompressor(codec, level)
        : codecs.getCompressor(codec);
  }
}
