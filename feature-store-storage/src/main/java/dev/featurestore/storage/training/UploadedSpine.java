package dev.featurestore.storage.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.Upload;
import dev.featurestore.storage.ingest.SpineUploads;
import dev.featurestore.storage.ingest.UploadFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A spine uploaded earlier ({@code POST /api/v1/uploads}): fetched from the object store into a
 * temporary file, read by {@link SpineUploads}, and the file deleted again.
 */
public record UploadedSpine(Upload upload, ObjectStore objects, Path temporaryFolder)
    implements SpineSource {
  /** The request field that names the upload, for errors. */
  public static final String FIELD = "spine.upload";

  public UploadedSpine {
    requireNonNull(upload, "upload is null");
    requireNonNull(objects, "objects is null");
    requireNonNull(temporaryFolder, "temporaryFolder is null");
  }

  @Override
  public VectorSchemaRoot load(BufferAllocator allocator, List<Entity> entities)
      throws IOException {
    SpineUploads.checkKeyColumns(upload, entities, FIELD);
    UploadFormat format = UploadFormat.ofContentType(upload.contentType()).orElseThrow();
    Path file = temporaryFolder.resolve("spine-" + UUID.randomUUID());
    try {
      try (InputStream in = objects.get(upload.objectKey())) {
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return SpineUploads.load(format, file, entities, allocator);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
