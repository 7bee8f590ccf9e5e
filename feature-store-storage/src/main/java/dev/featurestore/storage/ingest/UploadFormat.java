package dev.featurestore.storage.ingest;

import dev.featurestore.core.ingest.RowDestination;
import dev.featurestore.core.ingest.RowFormat;
import dev.featurestore.core.ingest.RowMediaTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/** The body formats a commit (or an uploaded spine) may come in, by media type. */
public enum UploadFormat implements RowFormat {
  JSON(RowMediaTypes.JSON),
  CSV(RowMediaTypes.CSV),
  PARQUET(RowMediaTypes.PARQUET),
  ARROW_STREAM(RowMediaTypes.ARROW_STREAM);

  private final String mediaType;

  UploadFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The format of a Content-Type header value (parameters such as charset are ignored). */
  public static Optional<UploadFormat> ofContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String bare = contentType.split(";", 2)[0].strip();
    for (UploadFormat format : values()) {
      if (format.mediaType.equalsIgnoreCase(bare)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  @Override
  public void decode(Path body, RowDestination destination) throws IOException {
    decoder(destination.allocator()).decode(body, new RowAssembler(destination));
  }

  UploadDecoder decoder(BufferAllocator allocator) {
    return switch (this) {
      case JSON -> new JsonRowsDecoder();
      case CSV -> new CsvRowsDecoder();
      case PARQUET -> new ParquetUploadDecoder(allocator);
      case ARROW_STREAM -> new ArrowStreamDecoder(allocator);
    };
  }
}
