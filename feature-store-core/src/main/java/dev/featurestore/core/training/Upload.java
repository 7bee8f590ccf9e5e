package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.security.Owned;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A file parked in the object store to serve as a training set's spine: where it is, its format
 * (media type), and what it holds, checked when it arrived: its columns, in file order, and rows.
 * It belongs to the API key that uploaded it.
 */
public record Upload(
    UUID id,
    String objectKey,
    String contentType,
    long byteSize,
    long rows,
    List<Column> columns,
    String createdBy,
    Optional<UUID> ownerKeyId,
    Instant createdAt)
    implements Owned {
  /** A column of the upload and the type its values have (text for every CSV column). */
  public record Column(String name, FeatureType type) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  public Upload {
    requireNonNull(id, "id is null");
    requireNonNull(objectKey, "objectKey is null");
    requireNonNull(contentType, "contentType is null");
    columns = List.copyOf(columns);
    requireNonNull(createdBy, "createdBy is null");
    requireNonNull(ownerKeyId, "ownerKeyId is null");
    requireNonNull(createdAt, "createdAt is null");
  }

  public Optional<Column> column(String name) {
    return columns.stream().filter(column -> column.name().equals(name)).findFirst();
  }
}
