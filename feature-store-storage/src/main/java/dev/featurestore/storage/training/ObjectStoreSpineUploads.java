package dev.featurestore.storage.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.SpineUploadReader;
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
 * Reads uploaded spines: fetches the upload's object into a temporary file, reads it with {@link
 * SpineUploads}, and deletes the file again.
 */
public final class ObjectStoreSpineUploads implements SpineUploadReader {
  private final ObjectStore objects;
  private final Path temporaryFolder;

  public ObjectStoreSpineUploads(ObjectStore objects, Path temporaryFolder) {
    this.objects = requireNonNull(objects, "objects is null");
    this.temporaryFolder = requireNonNull(temporaryFolder, "temporaryFolder is null");
  }

  @Override
  public VectorSchemaRoot load(Upload upload, List<Entity> entities, BufferAllocator allocator)
      throws IOException {
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
