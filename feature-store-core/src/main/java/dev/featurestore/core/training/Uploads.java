package dev.featurestore.core.training;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The record of uploaded spines; their bytes live in the object store under the object key. */
public interface Uploads {
  /**
   * Records an upload whose object is already stored, owned by the key {@code ownerKeyId}; returns
   * it with its creation time.
   */
  Upload create(
      UUID id,
      String objectKey,
      String contentType,
      long byteSize,
      long rows,
      List<Upload.Column> columns,
      String createdBy,
      UUID ownerKeyId);

  Optional<Upload> find(UUID id);
}
