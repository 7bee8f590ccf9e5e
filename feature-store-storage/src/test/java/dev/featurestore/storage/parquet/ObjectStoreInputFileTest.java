package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.NotFoundException;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.objectstore.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreInputFileTest {
  @TempDir Path directory;
  private final BufferAllocator allocator = new RootAllocator();
  private final CountingMemoryStore store = new CountingMemoryStore();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @Test
  void readsAFeatureFileThroughRangedReadsOfOnlyTheProjectedColumns() throws IOException {
    FeatureGroup group = FeatureFileTestData.everyTypeGroup(KeyType.STRING);
    List<StoredRows.Row> rows = FeatureFileTestData.rows(KeyType.STRING, 40, 5);
    Path file = directory.resolve("file.parquet");
    try (FeatureFileWriter writer = FeatureFileWriter.create(group, file);
        VectorSchemaRoot batch = StoredRows.batch(group, rows, allocator)) {
      writer.write(batch);
      writer.finish();
    }
    store.put("groups/user_activity/file.parquet", file);

    try (FeatureFileReader reader =
        FeatureFileReader.open(
            ObjectStoreInputFile.open(store, "groups/user_activity/file.parquet", 256),
            group,
            FeatureFileScan.features(List.of("score")),
            allocator)) {
      assertThat(StoredRows.readAll(reader))
          .containsExactlyElementsOf(
              rows.stream().map(row -> StoredRows.project(row, List.of(4))).toList());
    }

    assertThat(store.bytesServed).isLessThan(Files.size(file) / 2);
  }

  /** An in-memory object store that counts the bytes its ranged reads return. */
  private static final class CountingMemoryStore implements ObjectStore {
    private final Map<String, byte[]> objects = new TreeMap<>();
    private long bytesServed;

    @Override
    public void put(String key, Path file) throws IOException {
      objects.put(key, Files.readAllBytes(file));
    }

    @Override
    public void put(String key, byte[] bytes) {
      objects.put(key, bytes.clone());
    }

    @Override
    public InputStream get(String key) {
      return new ByteArrayInputStream(object(key));
    }

    @Override
    public byte[] getRange(String key, long offset, int length) {
      byte[] bytes = object(key);
      int start = (int) Math.min(offset, bytes.length);
      byte[] range =
          Arrays.copyOfRange(bytes, start, (int) Math.min(bytes.length, offset + length));
      bytesServed += range.length;
      return range;
    }

    @Override
    public long size(String key) {
      return object(key).length;
    }

    @Override
    public List<StoredObject> list(String prefix) {
      return objects.entrySet().stream()
          .filter(entry -> entry.getKey().startsWith(prefix))
          .map(entry -> new StoredObject(entry.getKey(), entry.getValue().length, Instant.EPOCH))
          .toList();
    }

    @Override
    public void delete(String key) {
      objects.remove(key);
    }

    @Override
    public void checkAvailable() {}

    @Override
    public String location() {
      return "memory:";
    }

    private byte[] object(String key) {
      byte[] bytes = objects.get(key);
      if (bytes == null) {
        throw new NotFoundException("no object " + key);
      }
      return bytes;
    }
  }
}
