package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.CommitStateUnknownException;
import dev.featurestore.core.ingest.SpooledUpload;
import dev.featurestore.core.ingest.UploadLimits;
import dev.featurestore.core.objectstore.ObjectLayout;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Uploading a spine: checks the file, stores it and records the upload. When recording fails the
 * stored object is deleted again, unless the outcome is unknown ({@link
 * CommitStateUnknownException}): the row may exist and point at the object, so nothing is deleted.
 */
public final class SpineUploader {
  private final Uploads uploads;
  private final ObjectStore objects;
  private final SpineFiles files;
  private final BufferAllocator allocator;
  private final UploadLimits limits;

  public SpineUploader(
      Uploads uploads,
      ObjectStore objects,
      SpineFiles files,
      BufferAllocator allocator,
      UploadLimits limits) {
    this.uploads = requireNonNull(uploads, "uploads is null");
    this.objects = requireNonNull(objects, "objects is null");
    this.files = requireNonNull(files, "files is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.limits = requireNonNull(limits, "limits is null");
  }

  /** The format of a Content-Type header value, if spines may be uploaded in it. */
  public Optional<SpineFormat> formatOf(String contentType) {
    return files.formatOf(contentType);
  }

  /** The media types spines may be uploaded in, for the refusal of any other. */
  public List<String> mediaTypes() {
    return files.formats().stream().map(SpineFormat::mediaType).toList();
  }

  /** Checks, stores and records {@code spooled}, uploaded by {@code createdBy} with a key. */
  public Upload upload(SpineFormat format, SpooledUpload spooled, String createdBy, UUID ownerKeyId)
      throws IOException {
    SpineFiles.Description description;
    try (BufferAllocator checking =
        allocator.newChildAllocator("upload-check", 0, Long.MAX_VALUE)) {
      description = files.describe(format, spooled.file(), checking, limits);
    }
    UUID id = UUID.randomUUID();
    String objectKey = ObjectLayout.upload(id);
    objects.put(objectKey, spooled.file());
    try {
      return uploads.create(
          id,
          objectKey,
          format.mediaType(),
          spooled.byteSize(),
          description.rows(),
          description.columns(),
          createdBy,
          ownerKeyId);
    } catch (CommitStateUnknownException e) {
      throw e;
    } catch (RuntimeException e) {
      try {
        objects.delete(objectKey);
      } catch (IOException deleteFailure) {
        e.addSuppressed(deleteFailure);
      }
      throw e;
    }
  }
}
