package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.storage.StorageTestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zstd level chosen reaches the pages of both file kinds, and the rows read back the same. */
class ParquetCompressionTest {
  private static final FeatureGroup GROUP = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
  private static final List<StoredRows.Row> ROWS = FeatureFileTestData.rows(KeyType.STRING, 60, 10);

  @TempDir Path directory;

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void aHigherZstdLevelWritesASmallerFeatureFileOfTheSameRows() throws IOException {
    for (Path file : atLevels1And9(this::writeFeatureFile)) {
      try (FeatureFileReader reader =
          FeatureFileReader.open(file, GROUP, FeatureFileScan.allFeatures(GROUP), allocator)) {
        assertThat(StoredRows.readAll(reader)).containsExactlyElementsOf(ROWS);
      }
    }
  }

  @Test
  void aHigherZstdLevelWritesASmallerOutputFileOfTheSameRows() throws IOException {
    for (Path file : atLevels1And9(this::writeOutput)) {
      try (ArrowParquetReader rows =
              ArrowParquetReader.open(new LocalFileInput(file), ROWS.size(), allocator);
          VectorSchemaRoot written = StoredRows.batch(GROUP, ROWS, allocator)) {
        assertThat(rows.loadNextBatch()).isTrue();
        assertThat(rows.batch().equals(written)).isTrue();
      }
    }
  }

  @Test
  void rejectsAZstdLevelZstdDoesNotHave() {
    assertThatThrownBy(() -> ParquetCompression.zstd(23))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zstd level 23");
  }

  /** Writes {@link #ROWS} at levels 1 and 9: the second file smaller, every column chunk zstd. */
  private static List<Path> atLevels1And9(FileWriter write) throws IOException {
    Path fast = write.at(ParquetCompression.zstd(1));
    Path small = write.at(ParquetCompression.zstd(9));
    assertThat(Files.size(small)).isLessThan(Files.size(fast));
    for (Path file : List.of(fast, small)) {
      assertThat(codecs(file)).containsOnly(CompressionCodecName.ZSTD);
    }
    return List.of(fast, small);
  }

  private interface FileWriter {
    Path at(ParquetCompression compression) throws IOException;
  }

  private Path writeFeatureFile(ParquetCompression compression) throws IOException {
    Path file = directory.resolve("feature-file-" + compression.level() + ".parquet");
    try (FeatureFileWriter writer = FeatureFileWriter.create(GROUP, file, compression);
        VectorSchemaRoot batch = StoredRows.batch(GROUP, ROWS, allocator)) {
      writer.write(batch);
      writer.finish();
    }
    return file;
  }

  private Path writeOutput(ParquetCompression compression) throws IOException {
    Path file = directory.resolve("output-" + compression.level() + ".parquet");
    try (VectorSchemaRoot batch = StoredRows.batch(GROUP, ROWS, allocator);
        ArrowParquetWriter writer =
            new ArrowParquetWriter(
                file, "output", batch.getSchema(), compression, StorageTestBed.THREADS)) {
      writer.write(batch);
      writer.finish();
    }
    return file;
  }

  private static List<CompressionCodecName> codecs(Path file) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build())) {
      return reader.getFooter().getBlocks().stream()
          .map(BlockMetaData::getColumns)
          .flatMap(List::stream)
          .map(ColumnChunkMetaData::getCodec)
          .toList();
    }
  }
}
