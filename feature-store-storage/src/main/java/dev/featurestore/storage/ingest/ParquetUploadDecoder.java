package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.UploadTooLargeException;
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
    try (UploadedParquetReader reader =
        UploadedParquetReader.open(
            new LocalFileInput(file), rows.group(), BATCH_ROWS, allocator, rows.budget())) {
      ArrowBatchRows batchRows = new ArrowBatchRows(reader.schema(), rows);
      while (reader.loadNextBatch()) {
        batchRows.read(reader.batch());
      }
    } catch (InvalidInputException e) {
      throw e.errors().get(0).field().equals("file")
          ? new InvalidInputException("body", e.errors().get(0).message())
          : e;
    } catch (UploadTooLargeException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The file is local: a read failure here means damaged bytes, the caller's fault, not ours.
      throw new InvalidInputException(
          "body",
          "not a readable Parquet file: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    rows.finish();
  }
}
