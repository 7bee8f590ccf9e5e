package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad bytes fail fast with an exception that names the file, never a hang or wrong rows. */
class FeatureFileCorruptionTest {
  private static final Duration FAST = Duration.ofSeconds(20);

  @TempDir Path directory;
  private final BufferAllocator allocator = new RootAllocator();
  private final FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
  private byte[] goodBytes;

  @BeforeEach
  void writeAGoodFile() throws IOException {
    Path file = directory.resolve("good.parquet");
    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot batch =
            StoredRows.batch(group, FeatureFileTestData.rows(KeyType.STRING, 50, 4), allocator)) {
      writer.write(batch);
      writer.finish();
    }
    goodBytes = Files.readAllBytes(file);
  }

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void rejectsATruncatedFile() throws IOException {
    Path file = store("truncated", Arrays.copyOf(goodBytes, goodBytes.length / 2));

    assertFailsToRead(file);
  }

  @Test
  void rejectsAFileMissingItsLastByte() throws IOException {
    Path file = store("short", Arrays.copyOf(goodBytes, goodBytes.length - 1));

    assertFailsToRead(file);
  }

  @Test
  void rejectsBytesThatAreNotParquet() throws IOException {
    Path file =
        store("text", "user_id,event_time\nu1,2026-01-01\n".getBytes(StandardCharsets.UTF_8));

    assertFailsToRead(file);
  }

  @Test
  void rejectsAFooterLengthBeyondTheFile() throws IOException {
    byte[] bytes = goodBytes.clone();
    ByteBuffer.wrap(bytes, bytes.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_fff0);
    Path file = store("huge-footer", bytes);

    assertFailsToRead(file);
  }

  @Test
  void rejectsCorruptPageBytes() throws IOException {
    byte[] bytes = goodBytes.clone();
    Arrays.fill(bytes, 64, 4096, (byte) 0x55);
    Path file = store("corrupt-pages", bytes);

    assertFailsToRead(file);
  }

  private void assertFailsToRead(Path file) {
    assertTimeoutPreemptively(
        FAST,
        () ->
            assertThatThrownBy(() -> readEveryRow(file))
                .isInstanceOf(InvalidFeatureFileException.class)
                .hasMessageContaining(file.getFileName().toString()));
  }

  private void readEveryRow(Path file) throws IOException {
    try (FeatureFileReader reader =
        FeatureFileReader.open(file, group, FeatureFileScan.allFeatures(group), allocator)) {
      long rows = 0;
      while (reader.loadNextBatch()) {
        rows += reader.batch().getRowCount();
      }
      assertThat(rows).as("rows read from a corrupt file").isNegative();
    }
  }

  private Path store(String name, byte[] bytes) throws IOException {
    return Files.write(directory.resolve(name + ".parquet"), bytes);
  }
}
