package dev.featurestore.core.testing;

import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import java.time.Clock;
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
}
