package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.storage.parquet.LocalFileInput;
import dev.featurestore.storage.parquet.UploadedParquetReader;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Uploaded Parquet files (written by pandas, Spark, DuckDB...): read column by column into Arrow by
 * {@link UploadedParquetReader}, which matches columns by name and types exactly and never lets a
 * file's schema name a class to load, then checked like every other format.
 */
final class ParquetUploadDecoder implements UploadDecoder {
  private static final int BATCH_ROWS = 65_536;

  private final BufferAllocator allocator;

  ParquetUploadDecoder(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    try (UploadedParquetReader reader = open(file, rows)) {
      ArrowBatchRows batchRows = new ArrowBatchRows(reader.schema(), rows);
      while (loadNextBatch(reader)) {
        batchRows.read(reader.batch());
      }
    }
    rows.finish();
  }

  private UploadedParquetReader open(Path file, RowAssembler rows) {
    try {
      return UploadedParquetReader.open(
          new LocalFileInput(file), rows.group(), BATCH_ROWS, allocator, rows.budget());
    } catch (InvalidInputException e) {
      throw SpineUploads.asBodyError(e);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private static boolean loadNextBatch(UploadedParquetReader reader) {
    try {
      return reader.loadNextBatch();
    } catch (InvalidInputException e) {
      throw SpineUploads.asBodyError(e);
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  /**
   * A read of an uploaded file failed: the file is local, so the bytes are damaged, the caller's
   * fault, not ours. (The reader passes its other failures, such as unreadable pages, as {@link
   * InvalidInputException} already.)
   */
  static InvalidInputException unreadable(IOException cause) {
    InvalidInputException invalid =
        new InvalidInputException("body", "not a readable Parquet file: " + cause.getMessage());
    invalid.initCause(cause);
    return invalid;
  }
}
