package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.Entity;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A spine uploaded earlier ({@code POST /api/v1/uploads}), read from its stored file. */
public record UploadedSpine(Upload upload, SpineUploadReader reader) implements SpineSource {
  /** The request field that names the upload, for errors. */
  public static final String FIELD = "spine.upload";

  public UploadedSpine {
    requireNonNull(upload, "upload is null");
    requireNonNull(reader, "reader is null");
  }

  @Override
  public VectorSchemaRoot load(BufferAllocator allocator, List<Entity> entities)
      throws IOException {
    upload.requireKeyColumns(entities, FIELD);
    return reader.load(upload, entities, allocator);
  }
}
