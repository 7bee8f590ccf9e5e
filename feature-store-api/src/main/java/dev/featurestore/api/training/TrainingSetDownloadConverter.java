package dev.featurestore.api.training;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSet;
import dev.featurestore.core.training.TrainingSetDownloads;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.AbstractHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Writes a READY training set's output in the media type Spring MVC's content negotiation chose
 * from the download's {@code produces} list (Accept with its q-values, or {@code ?format=}):
 * Parquet as stored, or converted row group by row group to an Arrow IPC stream, CSV or JSON. A
 * download is an attachment named after the set, with the format's extension.
 */
@Component
class TrainingSetDownloadConverter
    extends AbstractHttpMessageConverter<TrainingSetDownloadConverter.Download> {
  static final String PARQUET = "application/vnd.apache.parquet";
  static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";

  private static final MediaType PARQUET_TYPE = MediaType.parseMediaType(PARQUET);
  private static final MediaType ARROW_STREAM_TYPE = MediaType.parseMediaType(ARROW_STREAM);
  private static final MediaType CSV_TYPE = MediaType.parseMediaType("text/csv");

  /** A READY training set, to be written in the negotiated format. */
  record Download(TrainingSet set) {}

  private final ObjectStore objects;
  private final TrainingSetDownloads conversions;

  TrainingSetDownloadConverter(ObjectStore objects, TrainingSetDownloads conversions) {
    super(PARQUET_TYPE, ARROW_STREAM_TYPE, CSV_TYPE, MediaType.APPLICATION_JSON);
    this.objects = objects;
    this.conversions = conversions;
  }

  @Override
  protected boolean supports(Class<?> type) {
    return type == Download.class;
  }

  @Override
  protected boolean canRead(MediaType mediaType) {
    return false;
  }

  @Override
  protected Download readInternal(Class<? extends Download> type, HttpInputMessage input) {
    throw new HttpMessageNotReadableException("a training set download is not read", input);
  }

  @Override
  protected void addDefaultHeaders(HttpHeaders headers, Download download, MediaType contentType)
      throws IOException {
    super.addDefaultHeaders(headers, download, contentType);
    TrainingSet set = download.set();
    String name = set.name() == null ? "training-set" : set.name();
    headers.setContentDisposition(
        ContentDisposition.attachment()
            .filename(name + "-" + set.id() + extension(contentType))
            .build());
    if (PARQUET_TYPE.equalsTypeAndSubtype(contentType)) {
      // The stored object itself: its hash names these bytes.
      headers.setETag("\"" + set.outputHash().orElseThrow() + "\"");
    }
  }

  @Override
  protected void writeInternal(Download download, HttpOutputMessage output) throws IOException {
    TrainingSet set = download.set();
    MediaType contentType = output.getHeaders().getContentType();
    if (PARQUET_TYPE.equalsTypeAndSubtype(contentType)) {
      try (InputStream in = objects.get(set.outputObjectKey().orElseThrow())) {
        in.transferTo(output.getBody());
      }
      return;
    }
    // Prepared before the body starts, so that a storage failure is still a problem answer.
    TrainingSetDownloads.Download converted =
        conversions.prepare(
            set,
            ARROW_STREAM_TYPE.equalsTypeAndSubtype(contentType)
                ? TrainingSetDownloads.Format.ARROW_STREAM
                : CSV_TYPE.equalsTypeAndSubtype(contentType)
                    ? TrainingSetDownloads.Format.CSV
                    : TrainingSetDownloads.Format.JSON);
    converted.writeTo(output.getBody());
  }

  private static String extension(MediaType contentType) {
    if (PARQUET_TYPE.equalsTypeAndSubtype(contentType)) {
      return ".parquet";
    }
    if (ARROW_STREAM_TYPE.equalsTypeAndSubtype(contentType)) {
      return ".arrows";
    }
    return CSV_TYPE.equalsTypeAndSubtype(contentType) ? ".csv" : ".json";
  }
}
