package dev.featurestore.core.ingest;

import java.util.Optional;

/** The formats an upload may come in, found by the media type its request declares. */
public interface RowFormats {
  /** The format of a Content-Type header value (parameters such as charset are ignored). */
  Optional<RowFormat> ofContentType(String contentType);
}
