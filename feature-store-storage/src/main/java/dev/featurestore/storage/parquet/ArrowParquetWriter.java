package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Arrow batches of any schema our files use (training-set outputs: spine columns then
 * features) to one Parquet file, with the same type mapping and encodings as feature files, and
 * reports the file's size and SHA-256. The output is deterministic: the same batches give the same
 * bytes, which is what makes a training set reproducible. The footer keeps the Arrow schema (as
 * {@link #ARROW_SCHEMA_KEY}), so that {@link ArrowParquetReader} reads the file back in exactly the
 * types it was written from, vector dimensions included.
 */
public final class ArrowParquetWriter implements AutoCloseable {
  /** Footer key of the Arrow schema, as Arrow's JSON. */
  static final String ARROW_SCHEMA_KEY = "dev.featurestore.arrow.schema";

  /**
   * Row groups end after the batch that brings them to this many rows (two of the join's output
   * batches), so that a training set's groups are encoded on every core while the join fills the
   * next batches, and the same batches always give the same bytes.
   */
  static final int ROW_GROUP_ROWS = 128 * 1024;

  private final Path path;
  private final Schema schema;
  private final HashingOutputFile output;
  private final ArrowColumnsWriter columnsWriter;
  private long rowCount;
  private boolean closed;

  /** Size and content hash of a finished file. */
  public record WrittenFile(long rowCount, long byteSize, String sha256) {}

  /** Compressed as {@link ParquetCompression#DEFAULT}. */
  public ArrowParquetWriter(Path path, String name, Schema schema, ExecutorService encoders)
      throws IOException {
    this(path, name, schema, ParquetCompression.DEFAULT, encoders);
  }

  /**
   * @param encoders the pool, shared with other work, on which row groups are encoded while the
   *     caller writes the next batches
   */
  public ArrowParquetWriter(
      Path path,
      String name,
      Schema schema,
      ParquetCompression compression,
      ExecutorService encoders)
      throws IOException {
    this.path = requireNonNull(path, "path is null");
    this.schema = requireNonNull(schema, "schema is null");
    MessageType parquetSchema = StoredRowParquetSchema.of(name, schema);
    this.output = new HashingOutputFile(path);
    this.columnsWriter =
        new ArrowColumnsWriter(
            output,
            parquetSchema,
            schema,
            compression,
            new ArrowColumnsWriter.RowGroups.ByBatches(
                ROW_GROUP_ROWS, encoders, Runtime.getRuntime().availableProcessors()),
            Set.of(),
            Map.of(ARROW_SCHEMA_KEY, schema.toJson()));
  }

  /**
   * Appends the batch's rows. The writer takes the batch's buffers over (its vectors are left
   * empty), since its row group is encoded in the background: reallocate the batch to fill it
   * again.
   */
  public void write(VectorSchemaRoot batch) throws IOException {
    if (closed) {
      throw new IllegalStateException("the writer is already finished");
    }
    if (!batch.getSchema().equals(schema)) {
      throw new IllegalArgumentException(
          "batch schema " + batch.getSchema() + " is not the file's schema " + schema);
    }
    int rows = batch.getRowCount();
    columnsWriter.write(batch);
    rowCount += rows;
  }

  /** Completes the file; it is then ready to upload. */
  public WrittenFile finish() throws IOException {
    closed = true;
    columnsWriter.finish();
    return new WrittenFile(rowCount, output.bytesWritten(), output.sha256());
  }

  /** Closing an unfinished writer deletes the partial file. */
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
}
