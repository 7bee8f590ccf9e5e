package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

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

/**
 * {@link Uploads} in memory: the record of uploads only, their bytes are elsewhere. A test can fail
 * the next {@link #create} before recording ({@link #failNextCreate}) or after ({@link
 * #failNextCreateAfterRecording}: the outcome a caller cannot tell when a COMMIT was cut).
 */
public final class InMemoryUploads implements Uploads {
  private final Clock clock;
  private final Map<UUID, Upload> uploads = new ConcurrentHashMap<>();
  private RuntimeException nextFailureBefore;
  private RuntimeException nextFailureAfter;

  public InMemoryUploads(Clock clock) {
    this.clock = clock;
  }

  /** The next create records nothing and throws {@code failure}. */
  public synchronized void failNextCreate(RuntimeException failure) {
    this.nextFailureBefore = requireNonNull(failure, "failure is null");
  }

  /** The next create records the upload, then throws {@code failure}. */
  public synchronized void failNextCreateAfterRecording(RuntimeException failure) {
    this.nextFailureAfter = requireNonNull(failure, "failure is null");
  }

  @Override
  public synchronized Upload create(
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
    if (nextFailureBefore != null) {
      RuntimeException failure = nextFailureBefore;
      nextFailureBefore = null;
      throw failure;
    }
    uploads.put(id, upload);
    if (nextFailureAfter != null) {
      RuntimeException failure = nextFailureAfter;
      nextFailureAfter = null;
      throw failure;
    }
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
