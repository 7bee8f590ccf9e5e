package dev.featurestore.api.problems;

import java.util.Collection;

/** A body's Content-Type is none of the formats the endpoint accepts. Maps to HTTP 415. */
public class UnsupportedUploadFormatException extends RuntimeException {
  /** For commits, which accept every upload format. */
  public UnsupportedUploadFormatException(String contentType) {
    this(
        contentType,
        "application/json, text/csv, application/vnd.apache.parquet"
            + " or application/vnd.apache.arrow.stream");
  }

  public UnsupportedUploadFormatException(String contentType, Collection<String> accepted) {
    this(contentType, String.join(", ", accepted.stream().sorted().toList()));
  }

  private UnsupportedUploadFormatException(String contentType, String accepted) {
    super("Content-Type '" + contentType + "' is not an upload format here; use " + accepted);
  }
}
