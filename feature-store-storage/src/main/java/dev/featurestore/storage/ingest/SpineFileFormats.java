package dev.featurestore.storage.ingest;

import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.training.SpineFiles;
import dev.featurestore.core.training.SpineFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/** {@link SpineFiles} of {@link SpineUploads#FORMATS}, checked by {@link SpineUploads#describe}. */
public final class SpineFileFormats implements SpineFiles {
  @Override
  public List<SpineFormat> formats() {
    return SpineUploads.FORMATS.stream().sorted().map(SpineFileFormats::spineFormat).toList();
  }

  @Override
  public Optional<SpineFormat> formatOf(String contentType) {
    return UploadFormat.ofContentType(contentType)
        .filter(SpineUploads.FORMATS::contains)
        .map(SpineFileFormats::spineFormat);
  }

  @Override
  public Description describe(
      SpineFormat format, Path file, BufferAllocator allocator, UploadLimits limits)
      throws IOException {
    return SpineUploads.describe(UploadFormat.valueOf(format.name()), file, allocator, limits);
  }

  private static SpineFormat spineFormat(UploadFormat format) {
    return new SpineFormat(format.name(), format.mediaType());
  }
}
