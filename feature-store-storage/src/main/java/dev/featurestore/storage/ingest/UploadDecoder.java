package dev.featurestore.storage.ingest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes one upload format into rows; every malformed input becomes an InvalidInputException.
 * Bodies are spooled to a local file first (size limit, request hash, and random access for
 * Parquet).
 */
public interface UploadDecoder {
  /**
   * Reads every row of {@code body} into {@code rows}, then calls {@link RowAssembler#finish()}.
   */
  void decode(Path body, RowAssembler rows) throws IOException;
}
