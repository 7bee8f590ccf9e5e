package dev.featurestore.storage.iceberg;

import dev.featurestore.core.catalog.CommitStateUnknownException;
import java.util.Optional;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.FileIO;

/**
 * An Iceberg table whose metadata files are in our object store and whose current one is named by a
 * row of {@code iceberg_tables}: a commit writes the new metadata file, then swaps the pointer.
 */
final class PointerTableOperations extends BaseMetastoreTableOperations {
  private final JdbcTablePointers pointers;
  private final FileIO io;
  private final String namespace;
  private final String name;

  PointerTableOperations(JdbcTablePointers pointers, FileIO io, String namespace, String name) {
    this.pointers = pointers;
    this.io = io;
    this.namespace = namespace;
    this.name = name;
  }

  @Override
  protected String tableName() {
    return namespace + "." + name;
  }

  @Override
  public FileIO io() {
    return io;
  }

  @Override
  protected void doRefresh() {
    refreshFromMetadataLocation(pointers.find(namespace, name).orElse(null));
  }

  @Override
  protected void doCommit(TableMetadata base, TableMetadata metadata) {
    String location = writeNewMetadataIfRequired(base == null, metadata);
    boolean swapped;
    try {
      swapped =
          pointers.swap(
              namespace,
              name,
              Optional.ofNullable(base).map(TableMetadata::metadataFileLocation),
              location);
    } catch (CommitStateUnknownException e) {
      // The pointer may have moved: the new metadata file must stay (Iceberg's rule).
      throw new org.apache.iceberg.exceptions.CommitStateUnknownException(e);
    } catch (RuntimeException e) {
      io.deleteFile(location);
      throw e;
    }
    if (!swapped) {
      io.deleteFile(location);
      throw new CommitFailedException("%s was changed by another writer", tableName());
    }
  }
}
