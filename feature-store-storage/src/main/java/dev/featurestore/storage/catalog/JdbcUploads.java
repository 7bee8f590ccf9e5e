package dev.featurestore.storage.catalog;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.ConflictException;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.training.Upload;
import dev.featurestore.core.training.Uploads;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Uploads in the {@code uploads} table: columns as two parallel arrays of names and types. */
public final class JdbcUploads implements Uploads {
  private final Transactions transactions;

  public JdbcUploads(DataSource dataSource) {
    this.transactions = new Transactions(requireNonNull(dataSource, "dataSource is null"));
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
    transactions.inTransaction(
        connection -> {
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO uploads (id, object_key, content_type, byte_size, row_count,"
                      + " column_names, column_types, created_by, owner_key_id)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, objectKey);
            insert.setString(3, contentType);
            insert.setLong(4, byteSize);
            insert.setLong(5, rows);
            insert.setArray(
                6,
                connection.createArrayOf(
                    "text", columns.stream().map(Upload.Column::name).toArray()));
            insert.setArray(
                7,
                connection.createArrayOf(
                    "text", columns.stream().map(column -> column.type().name()).toArray()));
            insert.setString(8, createdBy);
            insert.setObject(9, ownerKeyId);
            return insert.executeUpdate();
          }
        });
    return find(id).orElseThrow();
  }

  @Override
  public Optional<Upload> find(UUID id) {
    List<Upload> found = select("id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  @Override
  public List<Upload> withColumn(String column) {
    return select("? = ANY (column_names) ORDER BY created_at, id", column);
  }

  @Override
  public void replaceObject(
      UUID id,
      String replacedObjectKey,
      String objectKey,
      String contentType,
      long byteSize,
      long rows) {
    int updated =
        transactions.update(
            "UPDATE uploads SET object_key = ?, content_type = ?, byte_size = ?, row_count = ?"
                + " WHERE id = ? AND object_key = ?",
            objectKey,
            contentType,
            byteSize,
            rows,
            id,
            replacedObjectKey);
    if (updated == 0) {
      throw new ConflictException("upload " + id + " no longer has object " + replacedObjectKey);
    }
  }

  private List<Upload> select(String condition, Object... params) {
    return transactions.list(
        "SELECT id, object_key, content_type, byte_size, row_count, column_names,"
            + " column_types, created_by, owner_key_id, created_at FROM uploads WHERE "
            + condition,
        JdbcUploads::upload,
        params);
  }

  private static Upload upload(ResultSet rows) throws SQLException {
    String[] names = strings(rows.getArray(6));
    String[] types = strings(rows.getArray(7));
    List<Upload.Column> columns = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      columns.add(new Upload.Column(names[i], FeatureType.valueOf(types[i])));
    }
    return new Upload(
        rows.getObject(1, UUID.class),
        rows.getString(2),
        rows.getString(3),
        rows.getLong(4),
        rows.getLong(5),
        columns,
        rows.getString(8),
        Optional.ofNullable(rows.getObject(9, UUID.class)),
        rows.getTimestamp(10).toInstant());
  }

  private static String[] strings(Array array) throws SQLException {
    return (String[]) array.getArray();
  }
}
