package dev.featurestore.core.testing;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.training.SpineFiles;
import dev.featurestore.core.training.SpineFormat;
import dev.featurestore.core.training.SpineSource;
import dev.featurestore.core.training.Upload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The simplest spine format, for tests of spine uploads without the real decoders: a header line of
 * comma-separated column names, which must include {@link SpineSource#SPINE_TIME}, and one line per
 * row. Only the header is checked; every other column is text.
 */
public final class HeaderLineSpineFiles implements SpineFiles {
  public static final SpineFormat FORMAT = new SpineFormat("TEXT", "text/plain");

  @Override
  public List<SpineFormat> formats() {
    return List.of(FORMAT);
  }

  @Override
  public Optional<SpineFormat> formatOf(String contentType) {
    return Optional.of(FORMAT).filter(format -> format.mediaType().equals(contentType));
  }

  @Override
  public Description describe(
      SpineFormat format, Path file, BufferAllocator allocator, UploadLimits limits)
      throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()
        || !Arrays.asList(lines.get(0).split(",")).contains(SpineSource.SPINE_TIME)) {
      throw new InvalidInputException(SpineSource.SPINE_TIME, "the spine needs the column");
    }
    List<Upload.Column> columns =
        Arrays.stream(lines.get(0).split(","))
            .map(
                name ->
                    new Upload.Column(
                        name,
                        name.equals(SpineSource.SPINE_TIME)
                            ? FeatureType.TIMESTAMP
                            : FeatureType.STRING))
            .toList();
    return new Description(columns, lines.size() - 1);
  }
}
