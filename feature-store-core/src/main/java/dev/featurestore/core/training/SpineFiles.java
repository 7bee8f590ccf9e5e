package dev.featurestore.core.training;

import dev.featurestore.core.ingest.UploadLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The file formats spines may be uploaded in and their checks on arrival (adapter: Parquet, Arrow
 * IPC stream and CSV); {@link SpineUploadReader} reads them again when a training set uses them.
 */
public interface SpineFiles {
  /** What {@link #describe} found: the columns in file order and the number of rows. */
  record Description(List<Upload.Column> columns, long rows) {
    public Description {
      columns = List.copyOf(columns);
    }
  }

  /** Every format a spine may be uploaded in. */
  List<SpineFormat> formats();

  /**
   * The format of a Content-Type header value (parameters such as charset are ignored), if spines
   * may be uploaded in it.
   */
  Optional<SpineFormat> formatOf(String contentType);

  /**
   * Reads the whole file once, checking every row's spine time and {@code limits}; a file that is
   * no spine fails with an {@link dev.featurestore.core.InvalidInputException} naming the field.
   */
  Description describe(
      SpineFormat format, Path file, BufferAllocator allocator, UploadLimits limits)
      throws IOException;
}
