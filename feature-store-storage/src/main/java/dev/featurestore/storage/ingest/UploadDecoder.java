package dev.featurestore.storage.ingest;

import java.io.IOException;
import java.io.InputStream;

/** Decodes one upload format into rows; every malformed input becomes an InvalidInputException. */
public interface UploadDecoder {
  /**
   * Reads every row of {@code body} into {@code rows}, then calls {@link RowAssembler#finish()}.
   */
  void decode(InputStream body, RowAssembler rows) throws IOException;
}
