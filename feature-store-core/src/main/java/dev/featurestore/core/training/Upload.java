package dev.featurestore.core.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
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

  /**
   * Checks that the upload has a key column of the right type for every entity: integers for an
   * INT64 key (or text holding integers), text for a STRING key.
   *
   * @param field names the request field in errors, e.g. {@code spine.upload}
   */
  public void requireKeyColumns(List<Entity> entities, String field) {
    for (Entity entity : entities) {
      FeatureType type =
          column(entity.name())
              .orElseThrow(
                  () ->
                      new InvalidInputException(
                          field,
                          "upload "
                              + id
                              + " has no key column '"
                              + entity.name()
                              + "'; its columns are "
                              + columns.stream().map(Column::name).toList()))
              .type();
      boolean fits =
          entity.keyType() == KeyType.STRING
              ? type == FeatureType.STRING
              : type == FeatureType.INT64
                  || type == FeatureType.INT32
                  || type == FeatureType.STRING;
      if (!fits) {
        throw new InvalidInputException(
            field,
            "key column '"
                + entity.name()
                + "' of upload "
                + id
                + " holds "
                + type
                + " values, the entity's keys are "
                + entity.keyType());
      }
    }
  }
}
