package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.StoredRowSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.MessageType;

/**
 * Writes one feature group's stored rows to one Parquet file on local disk (a temporary file the
 * caller then uploads), computing the file's {@link DataFileStats} on the way.
 *
 * <p>Rows must arrive sorted by key (unsigned UTF-8 bytes for strings), then event time: sorted
 * files give row groups narrow key ranges, so readers can prune them. The writer checks the order
 * rather than sorting, because every producer (ingestion, compaction, erasure) already merges
 * sorted runs.
 *
 * <pre>{@code
 * try (FeatureFileWriter writer = FeatureFileWriter.create(group, temporaryFile)) {
 *   writer.write(batch);
 *   DataFileStats stats = writer.finish();
 * }
 * }</pre>
 *
 * Closing a writer that was not finished deletes the partial file.
 */
public final class FeatureFileWriter implements AutoCloseable {
  /**
   * Big enough that a ranged read of one column chunk amortises an object-store round trip, small
   * enough that key-range pruning skips useful parts of a large file.
   */
  static final long ROW_GROUP_BYTES = 64L << 20;

  private final Path path;
  private final Schema schema;
  private final HashingOutputFile output;
  private final ArrowColumnsWriter columnsWriter;
  private final KeyOrderCheck keyOrder;
  private long rowCount;
  private long minEventTime = Long.MAX_VALUE;
  private long maxEventTime = Long.MIN_VALUE;
  private long minCommitSequence = Long.MAX_VALUE;
  private long maxCommitSequence = Long.MIN_VALUE;
  private DataFileStats stats;
  private boolean closed;

  private FeatureFileWriter(
      FeatureGroup group,
      Path path,
      ParquetCompression compression,
      long rowGroupBytes,
      Executor encodeHelpers)
      throws IOException {
    this.path = requireNonNull(path, "path is null");
    this.schema = StoredRowSchema.of(group);
    MessageType parquetSchema = StoredRowParquetSchema.of(group.name(), schema);
    this.output = new HashingOutputFile(path);
    this.keyOrder =
        switch (group.entity().keyType()) {
          case STRING -> new StringKeyOrderCheck();
          case INT64 -> new LongKeyOrderCheck();
        };
    // Row ordinals are unique, and keys arrive sorted, each repeated only by its own versions: a
    // dictionary costs a hash lookup per value and, for any large group, overflows its page and
    // falls back to plain encoding anyway. Zstd compresses the sorted runs instead.
    this.columnsWriter =
        new ArrowColumnsWriter(
            output,
            parquetSchema,
            schema,
            compression,
            new ArrowColumnsWriter.RowGroups.BySize(rowGroupBytes, encodeHelpers),
            Set.of(schema.getFields().get(0).getName(), StoredRowSchema.ROW_ORDINAL),
            Map.of());
  }

  public static FeatureFileWriter create(FeatureGroup group, Path path) throws IOException {
    return create(group, path, ParquetCompression.DEFAULT);
  }

  /**
   * As {@link #create(FeatureGroup, Path, ParquetCompression)}, encoding half of the columns on a
   * thread of {@code encodeHelpers} when one is free: the same bytes, sooner where a core would
   * otherwise idle.
   */
  public static FeatureFileWriter create(
      FeatureGroup group, Path path, ParquetCompression compression, Executor encodeHelpers)
      throws IOException {
    return new FeatureFileWriter(
        group,
        path,
        requireNonNull(compression, "compression is null"),
        ROW_GROUP_BYTES,
        requireNonNull(encodeHelpers, "encodeHelpers is null"));
  }

  public static FeatureFileWriter create(
      FeatureGroup group, Path path, ParquetCompression compression) throws IOException {
    return create(group, path, compression, ROW_GROUP_BYTES);
  }

  /** Small row groups let tests exercise pruning without writing 64 MiB. */
  static FeatureFileWriter create(
      FeatureGroup group, Path path, ParquetCompression compression, long rowGroupBytes)
      throws IOException {
    return new FeatureFileWriter(
        group,
        path,
        requireNonNull(compression, "compression is null"),
        rowGroupBytes,
        Runnable::run);
  }

  /** Appends the batch's rows; its schema must be {@link StoredRowSchema#of} the group. */
  public void write(VectorSchemaRoot batch) throws IOException {
    if (stats != null || closed) {
      throw new IllegalStateException("the writer is already finished");
    }
    if (!batch.getSchema().equals(schema)) {
      throw new IllegalArgumentException(
          "batch schema " + batch.getSchema() + " is not the group's stored-row schema " + schema);
    }
    int rows = batch.getRowCount();
    if (rows == 0) {
      return;
    }
    for (int column = 0; column < StoredRowParquetSchema.LEADING_COLUMNS; column++) {
      FieldVector required = batch.getVector(column);
      if (required.getNullCount() > 0) {
        throw new IllegalArgumentException("column " + required.getName() + " has nulls");
      }
    }
    TimeStampMicroTZVector eventTimes = (TimeStampMicroTZVector) batch.getVector(1);
    BigIntVector commitSequences = (BigIntVector) batch.getVector(2);
    keyOrder.check(batch.getVector(0), eventTimes, rows, rowCount);
    for (int row = 0; row < rows; row++) {
      long eventTime = eventTimes.get(row);
      minEventTime = Math.min(minEventTime, eventTime);
      maxEventTime = Math.max(maxEventTime, eventTime);
      long commitSequence = commitSequences.get(row);
      minCommitSequence = Math.min(minCommitSequence, commitSequence);
      maxCommitSequence = Math.max(maxCommitSequence, commitSequence);
    }
    columnsWriter.write(batch);
    rowCount += rows;
  }

  /** Completes the file and returns its statistics; the file is then ready to upload. */
  public DataFileStats finish() throws IOException {
    if (stats != null) {
      return stats;
    }
    if (rowCount == 0) {
      throw new IllegalStateException("a feature file holds at least one row");
    }
    closed = true;
    try {
      columnsWriter.finish();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
    stats =
        new DataFileStats(
            rowCount,
            keyOrder.range(),
            EpochMicros.toInstant(minEventTime),
            EpochMicros.toInstant(maxEventTime),
            minCommitSequence,
            maxCommitSequence,
            output.bytesWritten(),
            output.sha256());
    return stats;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      columnsWriter.close();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  /** Checks (key, event time) order across batches and remembers the first and last key. */
  private interface KeyOrderCheck {
    void check(FieldVector keys, TimeStampMicroTZVector eventTimes, int rows, long rowsBefore);

    KeyRange range();
  }

  private static IllegalArgumentException unsorted(long fileRow) {
    return new IllegalArgumentException(
        "rows must arrive sorted by (key, event_time); row " + fileRow + " of the file is not");
  }

  private static final class LongKeyOrderCheck implements KeyOrderCheck {
    private long firstKey;
    private long lastKey;
    private long lastEventTime;

    @Override
    public void check(FieldVector keys, TimeStampMicroTZVector eventTimes, int rows, long before) {
      BigIntVector longKeys = (BigIntVector) keys;
      for (int row = 0; row < rows; row++) {
        long key = longKeys.get(row);
        long eventTime = eventTimes.get(row);
        if (before + row > 0 && (key < lastKey || (key == lastKey && eventTime < lastEventTime))) {
          throw unsorted(before + row);
        }
        lastKey = key;
        lastEventTime = eventTime;
      }
      if (before == 0) {
        firstKey = longKeys.get(0);
      }
    }

    @Override
    public KeyRange range() {
      return KeyRange.ofLongs(firstKey, lastKey);
    }
  }

  private static final class StringKeyOrderCheck implements KeyOrderCheck {
    private byte[] firstKey = new byte[0];
    private byte[] lastKey = new byte[0];
    private long lastEventTime;

    @Override
    public void check(FieldVector keys, TimeStampMicroTZVector eventTimes, int rows, long before) {
      VarCharVector stringKeys = (VarCharVector) keys;
      ArrowBuf data = stringKeys.getDataBuffer();
      if (before > 0) {
        int start = stringKeys.getStartOffset(0);
        int order =
            ByteFunctionHelpers.compare(
                data, start, start + stringKeys.getValueLength(0), lastKey, 0, lastKey.length);
        if (order < 0 || (order == 0 && eventTimes.get(0) < lastEventTime)) {
          throw unsorted(before);
        }
      }
      for (int row = 1; row < rows; row++) {
        int previousStart = stringKeys.getStartOffset(row - 1);
        int start = stringKeys.getStartOffset(row);
        int order =
            ByteFunctionHelpers.compare(
                data,
                start,
                start + stringKeys.getValueLength(row),
                data,
                previousStart,
                previousStart + stringKeys.getValueLength(row - 1));
        if (order < 0 || (order == 0 && eventTimes.get(row) < eventTimes.get(row - 1))) {
          throw unsorted(before + row);
        }
      }
      if (before == 0) {
        firstKey = stringKeys.get(0);
      }
      lastKey = stringKeys.get(rows - 1);
      lastEventTime = eventTimes.get(rows - 1);
    }

    @Override
    public KeyRange range() {
      return KeyRange.ofStrings(
          new String(firstKey, StandardCharsets.UTF_8),
          new String(lastKey, StandardCharsets.UTF_8));
    }
  }
}
