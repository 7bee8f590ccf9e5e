package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;

/**
 * Reads a feature file into Arrow batches in the group's stored-row schema, projected to the scan's
 * features: the key, {@code event_time} and system columns, then the requested features. A feature
 * the file lacks (added to the group after the file was written) reads as all-null.
 *
 * <p>Works on any Parquet {@link InputFile}: {@link #open(Path, FeatureGroup, FeatureFileScan,
 * BufferAllocator)} reads local disk, {@link ObjectStoreInputFile} ranged reads of an object store,
 * which fetch the footer and then only the column chunks of the row groups and columns read.
 *
 * <pre>{@code
 * try (FeatureFileReader reader = FeatureFileReader.open(file, group, scan, allocator)) {
 *   while (reader.loadNextBatch()) {
 *     VectorSchemaRoot batch = reader.batch(); // reused: valid until the next call
 *   }
 * }
 * }</pre>
 */
public final class FeatureFileReader implements AutoCloseable {
  private final String file;
  private final ParquetBatchReader batchReader;
  private final int rowGroupCount;
  private final int rowGroupsRead;

  private FeatureFileReader(
      String file, ParquetBatchReader batchReader, int rowGroupCount, int rowGroupsRead) {
    this.file = file;
    this.batchReader = batchReader;
    this.rowGroupCount = rowGroupCount;
    this.rowGroupsRead = rowGroupsRead;
  }

  public static FeatureFileReader open(
      Path file, FeatureGroup group, FeatureFileScan scan, BufferAllocator allocator)
      throws IOException {
    return open(new LocalFileInput(file), file.toString(), group, scan, allocator);
  }

  /**
   * Opens the file and reads its footer; errors name the file by its {@code toString()}.
   *
   * @throws InvalidInputException when the scan names a feature the group does not have
   * @throws InvalidFeatureFileException when the file is not a readable feature file of the group
   */
  public static FeatureFileReader open(
      InputFile file, FeatureGroup group, FeatureFileScan scan, BufferAllocator allocator)
      throws IOException {
    return open(file, file.toString(), group, scan, allocator);
  }

  /**
   * @param description names the file in errors
   */
  private static FeatureFileReader open(
      InputFile file,
      String description,
      FeatureGroup group,
      FeatureFileScan scan,
      BufferAllocator allocator)
      throws IOException {
    requireNonNull(file, "file is null");
    Schema target = projectedSchema(group, scan);
    List<String> features =
        target.getFields().stream()
            .skip(StoredRowParquetSchema.LEADING_COLUMNS)
            .map(Field::getName)
            .toList();
    ParquetFileReader fileReader = null;
    try {
      fileReader = ParquetBatchReader.open(file);
      List<BlockMetaData> blocks = fileReader.getRowGroups();
      List<Integer> rowGroups = new ArrayList<>();
      String key = group.entity().name();
      for (int index = 0; index < blocks.size(); index++) {
        if (mayMatch(blocks.get(index), key, scan)) {
          rowGroups.add(index);
        }
      }
      ParquetBatchReader batchReader =
          new ParquetBatchReader(
              fileReader, target, features, rowGroups, scan.batchRows(), allocator);
      return new FeatureFileReader(description, batchReader, blocks.size(), rowGroups.size());
    } catch (OutOfMemoryException e) {
      // The reader's allocator is full: a limit of the request, not a damaged file.
      closeQuietly(fileReader, e);
      throw e;
    } catch (InvalidInputException e) {
      closeQuietly(fileReader, e);
      throw new InvalidFeatureFileException(description, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(fileReader, e);
      throw new InvalidFeatureFileException(description, String.valueOf(e.getMessage()), e);
    }
  }

  /** The stored-row schema of the group, with only the scan's features. */
  public Schema schema() {
    return batchReader.batch().getSchema();
  }

  /** Reads the next batch into {@link #batch()}; false when the file has no more rows to read. */
  public boolean loadNextBatch() throws IOException {
    try {
      return batchReader.loadNextBatch();
    } catch (OutOfMemoryException e) {
      throw e;
    } catch (InvalidInputException e) {
      throw new InvalidFeatureFileException(file, e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new InvalidFeatureFileException(file, String.valueOf(e.getMessage()), e);
    }
  }

  /** The current batch; the same root is refilled by every {@link #loadNextBatch()}. */
  public VectorSchemaRoot batch() {
    return batchReader.batch();
  }

  public int rowGroupCount() {
    return rowGroupCount;
  }

  /** Row groups left after pruning by the scan's key and event-time ranges. */
  public int rowGroupsRead() {
    return rowGroupsRead;
  }

  @Override
  public void close() throws IOException {
    batchReader.close();
  }

  private static Schema projectedSchema(FeatureGroup group, FeatureFileScan scan) {
    List<Field> all = StoredRowSchema.of(group).getFields();
    List<Field> fields = new ArrayList<>(all.subList(0, StoredRowParquetSchema.LEADING_COLUMNS));
    for (int position = 0; position < scan.features().size(); position++) {
      int index = position;
      String name = scan.features().get(index);
      FeatureDefinition feature =
          group
              .feature(name)
              .orElseThrow(
                  () ->
                      new InvalidInputException(
                          "features[" + index + "]",
                          "'" + name + "' is not a feature of group " + group.name()));
      fields.add(StoredRowSchema.featureField(feature));
    }
    return new Schema(fields);
  }

  private static boolean mayMatch(BlockMetaData block, String key, FeatureFileScan scan) {
    ColumnChunkMetaData keyChunk = chunk(block, key);
    if (scan.keys().isPresent() && keyChunk != null && !keysMayMatch(keyChunk, scan.keys().get())) {
      return false;
    }
    ColumnChunkMetaData eventTimeChunk = chunk(block, FeatureGroup.EVENT_TIME);
    if (scan.eventTimeFrom().isPresent() && eventTimeChunk != null) {
      return eventTimesMayMatch(
          eventTimeChunk, scan.eventTimeFrom().get(), scan.eventTimeTo().orElseThrow());
    }
    return true;
  }

  private static ColumnChunkMetaData chunk(BlockMetaData block, String column) {
    for (ColumnChunkMetaData chunk : block.getColumns()) {
      if (chunk.getPath().size() == 1 && chunk.getPath().toArray()[0].equals(column)) {
        return chunk;
      }
    }
    return null;
  }

  /** Without usable statistics a row group may hold anything. */
  private static boolean keysMayMatch(ColumnChunkMetaData chunk, KeyRange range) {
    Statistics<?> statistics = chunk.getStatistics();
    if (statistics == null || !statistics.hasNonNullValue()) {
      return true;
    }
    return switch (range) {
      case KeyRange.LongKeys longs ->
          !(statistics.genericGetMax() instanceof Long max
              && statistics.genericGetMin() instanceof Long min
              && (max < longs.min() || min > longs.max()));
      case KeyRange.StringKeys strings -> {
        if (!(statistics.genericGetMin() instanceof Binary min
            && statistics.genericGetMax() instanceof Binary max)) {
          yield true;
        }
        @SuppressWarnings("unchecked")
        Statistics<Binary> binaries = (Statistics<Binary>) statistics;
        yield binaries.comparator().compare(max, Binary.fromString(strings.min())) >= 0
            && binaries.comparator().compare(min, Binary.fromString(strings.max())) <= 0;
      }
    };
  }

  private static boolean eventTimesMayMatch(ColumnChunkMetaData chunk, Instant from, Instant to) {
    Statistics<?> statistics = chunk.getStatistics();
    boolean micros =
        chunk.getPrimitiveType().getLogicalTypeAnnotation()
                instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp
            && timestamp.getUnit() == LogicalTypeAnnotation.TimeUnit.MICROS;
    if (!micros
        || statistics == null
        || !statistics.hasNonNullValue()
        || !(statistics.genericGetMin() instanceof Long min
            && statistics.genericGetMax() instanceof Long max)) {
      return true;
    }
    return max >= EpochMicros.of(from) && min <= EpochMicros.of(to);
  }

  private static void closeQuietly(ParquetFileReader fileReader, Exception failure) {
    if (fileReader == null) {
      return;
    }
    try {
      fileReader.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
