package dev.featurestore.core.ingest;

/** The media types rows may be sent in: a commit's body, or an uploaded spine's. */
public final class RowMediaTypes {
  public static final String JSON = "application/json";
  public static final String CSV = "text/csv";
  public static final String PARQUET = "application/vnd.apache.parquet";
  public static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

  private RowMediaTypes() {}
}
