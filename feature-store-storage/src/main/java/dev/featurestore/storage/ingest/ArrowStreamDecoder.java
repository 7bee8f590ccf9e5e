package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Arrow IPC streams: columns are matched to the group's by name; integer, floating-point, string,
 * binary, boolean, zoned timestamp and list-of-float columns are accepted where the feature's type
 * can hold them. A timestamp column without a time zone is refused: it does not say which instant.
 */
public final class ArrowStreamDecoder implements UploadDecoder {
  private final BufferAllocator allocator;

  public ArrowStreamDecoder(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    try (InputStream body = Files.newInputStream(file);
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      ArrowBatchRows batchRows = new ArrowBatchRows(batch.getSchema(), rows);
      while (reader.loadNextBatch()) {
        batchRows.read(batch);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new InvalidInputException(
          "body",
          "not a readable Arrow IPC stream: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage());
    }
    rows.finish();
  }
}
