package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyOrder;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.testing.UnicodeKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import net.jqwik.api.lifecycle.AfterProperty;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Key-range pruning never misses a key: a feature file written in {@link KeyOrder}, many row groups
 * long, finds every one of its keys through the Parquet statistics (lineage by key reads only the
 * row groups whose range covers the key) and through the key range the catalog records for it
 * (erasure reads only the files whose range covers a key), whatever the keys mix: supplementary
 * characters, U+E000 to U+FFFF, ASCII.
 */
class KeyRangePruningPropertyTest {
  private static final FeatureGroup GROUP =
      FeatureFileTestData.group(
          KeyType.STRING, List.of(FeatureDefinition.scalar("clicks", FeatureType.INT64)));

  /** Closing fails the property when a batch or vector leaked. */
  private final BufferAllocator allocator = new RootAllocator();

  @AfterProperty
  void closeAllocator() {
    allocator.close();
  }

  @Property(tries = 60)
  void everyKeyIsFoundThroughTheFileAndRowGroupRanges(
      @ForAll @Size(min = 1, max = 24) @UniqueElements List<@From("keys") String> keys)
      throws IOException {
    List<String> sorted = keys.stream().sorted(KeyOrder.STRINGS).toList();
    Path file = Files.createTempFile("pruning", ".parquet");
    try {
      DataFileStats stats = write(sorted, file);
      KeyRange recorded =
          KeyRange.ofText(KeyType.STRING, stats.keyRange().minText(), stats.keyRange().maxText());
      for (String key : sorted) {
        assertThat(recorded.containsText(key)).as("catalog range holds %s", key).isTrue();
        FeatureFileScan scan =
            FeatureFileScan.features(List.of("clicks"))
                .withKeys(KeyRange.ofKeyText(KeyType.STRING, key).orElseThrow());
        try (FeatureFileReader reader = FeatureFileReader.open(file, GROUP, scan, allocator)) {
          assertThat(StoredRows.readAll(reader))
              .as("row groups read for %s", key)
              .extracting(StoredRows.Row::key)
              .contains(key);
        }
      }
    } finally {
      Files.delete(file);
    }
  }

  /** One row per key, two keys per batch, a row group per batch. */
  private DataFileStats write(List<String> sortedKeys, Path file) throws IOException {
    List<StoredRows.Row> rows = new ArrayList<>();
    for (int index = 0; index < sortedKeys.size(); index++) {
      rows.add(
          new StoredRows.Row(
              sortedKeys.get(index),
              FeatureFileTestData.BASE_MICROS,
              1,
              FeatureFileTestData.BASE_MICROS,
              index,
              List.of((long) index)));
    }
    try (FeatureFileWriter writer =
        FeatureFileWriter.create(GROUP, file, ParquetCompression.DEFAULT, 1)) {
      for (int start = 0; start < rows.size(); start += 2) {
        try (VectorSchemaRoot batch =
            StoredRows.batch(
                GROUP, rows.subList(start, Math.min(rows.size(), start + 2)), allocator)) {
          writer.write(batch);
        }
      }
      return writer.finish();
    }
  }

  @Provide
  Arbitrary<String> keys() {
    return UnicodeKeys.mixingUtf16AndUtf8Orders();
  }
}
