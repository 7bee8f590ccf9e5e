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

  /** The uploads with a column named {@code column} (an entity's key column), oldest first. */
  List<Upload> withColumn(String column);

  /**
   * Points the upload at its object rewritten by an erasure ({@code objectKey}, of {@code
   * contentType}, {@code byteSize} bytes and {@code rows} rows; its columns are unchanged). Fails
   * with a {@link dev.featurestore.core.ConflictException}, changing nothing, when the upload is no
   * longer {@code replacedObjectKey} (another erasure rewrote it first).
   */
  void replaceObject(
      UUID id,
      String replacedObjectKey,
      String objectKey,
      String contentType,
      long byteSize,
      long rows);
}
