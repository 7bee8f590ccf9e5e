package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.UploadTooLargeException;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.ingest.UploadLimits;
import java.io.IOException;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.InputFile;

/**
 * Reads every column of a Parquet file into Arrow batches, one row group after another: in the
 * Arrow schema {@link ArrowParquetWriter} recorded in the footer (training-set outputs), else in
 * the Arrow counterpart of each column's Parquet type (files from pandas, Spark, DuckDB...).
 *
 * <p>A column without an Arrow counterpart, a timestamp without time zone or damaged bytes raise
 * {@link InvalidInputException} naming the column ({@code rows[n].column} for a bad value, {@code
 * file} for bytes that are not Parquet).
 */
public final class ArrowParquetReader implements AutoCloseable {
  private final ParquetBatchReader batchReader;

  private ArrowParquetReader(ParquetBatchReader batchReader) {
    this.batchReader = batchReader;
  }

  /** Opens a file this server wrote (a training set's output, a checked spine). */
  public static ArrowParquetReader open(InputFile file, int batchRows, BufferAllocator allocator)
      throws IOException {
    return open(file, batchRows, allocator, UploadLimits.NONE.newBudget());
  }

  /**
   * Opens a file a user uploaded.
   *
   * @param budget counts what the file decodes to, stopping at the upload's limits
   */
  public static ArrowParquetReader open(
      InputFile file, int batchRows, BufferAllocator allocator, UploadBudget budget)
      throws IOException {
    requireNonNull(file, "file is null");
    ParquetFileReader fileReader = UploadedParquetReader.openParquet(file);
    try {
      Schema target = arrowSchema(fileReader.getFileMetaData());
      List<Integer> rowGroups =
          IntStream.range(0, fileReader.getRowGroups().size()).boxed().toList();
      ParquetBatchReader batchReader =
          new ParquetBatchReader(fileReader, target, List.of(), rowGroups, batchRows, allocator);
      batchReader.countAgainst(budget);
      return new ArrowParquetReader(batchReader);
    } catch (RuntimeException e) {
      try {
        fileReader.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  private static Schema arrowSchema(FileMetaData metadata) {
    String recorded = metadata.getKeyValueMetaData().get(ArrowParquetWriter.ARROW_SCHEMA_KEY);
    if (recorded == null) {
      return StoredRowParquetSchema.toArrow(metadata.getSchema());
    }
    try {
      return Schema.fromJSON(recorded);
    } catch (IOException e) {
      throw new InvalidInputException("file", "has an unreadable Arrow schema in its footer");
    }
  }

  public Schema schema() {
    return batchReader.batch().getSchema();
  }

  /** Reads the next batch into {@link #batch()}; false when every row was read. */
  public boolean loadNextBatch() throws IOException {
    try {
      return batchReader.loadNextBatch();
    } catch (InvalidInputException | UploadTooLargeException e) {
      throw e;
    } catch (RuntimeException e) {
      throw UploadedParquetReader.notParquet(e);
    }
  }

  /** The current batch; the same root is refilled by every {@link #loadNextBatch()}. */
  public VectorSchemaRoot batch() {
    return batchReader.batch();
  }

  @Override
  public void close() throws IOException {
    batchReader.close();
  }
}
