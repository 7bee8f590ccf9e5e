package dev.featurestore.core.testing;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** {@link Uploads} in memory: the record of uploads only, their bytes are elsewhere. */
public final class InMemoryUploads implements Uploads {
  private final Clock clock;
  private final Map<UUID, Upload> uploads = new ConcurrentHashMap<>();

  public InMemoryUploads(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Upload create(
      UUID id,
      String objectKey,
      String contentType,
      long byteSize,
      long rows,
      List<Upload.Column> columns,
      String createdBy,
      UUID ownerKeyId) {
    Upload upload =
        new Upload(
            id,
            objectKey,
            contentType,
            byteSize,
            rows,
            columns,
            createdBy,
            Optional.of(ownerKeyId),
            clock.instant());
    uploads.put(id, upload);
    return upload;
  }

  @Override
  public Optional<Upload> find(UUID id) {
    return Optional.ofNullable(uploads.get(id));
  }

  @Override
  public List<Upload> withColumn(String column) {
    return uploads.values().stream()
        .filter(upload -> upload.column(column).isPresent())
        .sorted(Comparator.comparing(Upload::createdAt).thenComparing(Upload::id))
        .toList();
  }

  @Override
  public synchronized void replaceObject(
      UUID id,
      String replacedObjectKey,
      String objectKey,
      String contentType,
      long byteSize,
      long rows) {
    Upload upload = uploads.get(id);
    if (upload == null || !upload.objectKey().equals(replacedObjectKey)) {
      throw new ConflictException("upload " + id + " no longer has object " + replacedObjectKey);
    }
    uploads.put(
        id,
        new Upload(
            id,
            objectKey,
            contentType,
            byteSize,
            rows,
            upload.columns(),
            upload.createdBy(),
            upload.ownerKeyId(),
            upload.createdAt()));
  }
}
