package dev.featurestore.api.problems;

/** A body's Content-Type is none of the upload formats. Maps to HTTP 415. */
public class UnsupportedUploadFormatException extends RuntimeException {
  public UnsupportedUploadFormatException(String contentType) {
    super(
        "Content-Type '"
            + contentType
            + "' is not an upload format; use application/json, text/csv,"
            + " application/vnd.apache.parquet or application/vnd.apache.arrow.stream");
  }
}
