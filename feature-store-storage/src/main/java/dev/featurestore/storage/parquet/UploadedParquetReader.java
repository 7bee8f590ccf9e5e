package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.FieldError;
import dev.featurestore.core.InvalidInputException;
import dev.featurestore.core.UploadTooLargeException;
import dev.featurestore.core.ingest.UploadBudget;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStoreUnavailableException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.Type;

/**
 * Reads a Parquet file a user uploaded into Arrow batches of the group's user-facing columns: the
 * key (named after the entity), {@code event_time}, then the features in definition order. Columns
 * match by name, in any order; a feature the file lacks reads as null.
 *
 * <p>Everything wrong with the upload is the caller's fault and raises {@link
 * InvalidInputException} naming the column (or {@code rows[n].column} for a bad value, {@code file}
 * for bytes that are not Parquet): a column the group does not have, a column of another type, a
 * timestamp without time zone, a missing or null key or event time, a vector of the wrong
 * dimension. Timestamps in milliseconds or nanoseconds become microseconds; other types are not
 * converted.
 */
public final class UploadedParquetReader implements AutoCloseable {
  private final ParquetBatchReader batchReader;
  private long rowsBefore;

  private UploadedParquetReader(ParquetBatchReader batchReader) {
    this.batchReader = batchReader;
  }

  /** The key, {@code event_time} and the features: the columns a user uploads. */
  public static Schema uploadSchema(FeatureGroup group) {
    List<Field> fields = new ArrayList<>();
    fields.add(StoredRowSchema.keyField(group.entity()));
    fields.add(StoredRowSchema.of(group).findField(FeatureGroup.EVENT_TIME));
    for (FeatureDefinition feature : group.features()) {
      fields.add(StoredRowSchema.featureField(feature));
    }
    return new Schema(fields);
  }

  /**
   * @param budget counts what the file decodes to, stopping at the upload's limits
   */
  public static UploadedParquetReader open(
      InputFile file,
      FeatureGroup group,
      int batchRows,
      BufferAllocator allocator,
      UploadBudget budget)
      throws IOException {
    requireNonNull(file, "file is null");
    Schema target = uploadSchema(group);
    ParquetFileReader fileReader = openParquet(file);
    try {
      rejectUnknownColumns(fileReader, group, target);
      List<String> features = group.features().stream().map(FeatureDefinition::name).toList();
      List<Integer> rowGroups =
          IntStream.range(0, fileReader.getRowGroups().size()).boxed().toList();
      ParquetBatchReader batchReader =
          new ParquetBatchReader(fileReader, target, features, rowGroups, batchRows, allocator);
      batchReader.countAgainst(budget);
      return new UploadedParquetReader(batchReader);
    } catch (RuntimeException e) {
      try {
        fileReader.close();
      } catch (IOException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /** {@link #uploadSchema} of the group. */
  public Schema schema() {
    return batchReader.batch().getSchema();
  }

  /**
   * Reads the next batch into {@link #batch()}; false when every row was read.
   *
   * @throws InvalidInputException naming the row and column of a bad value, or {@code file} when
   *     the bytes are damaged
   */
  public boolean loadNextBatch() throws IOException {
    boolean loaded;
    try {
      loaded = batchReader.loadNextBatch();
    } catch (InvalidInputException | UploadTooLargeException | OutOfMemoryException e) {
      // A body beyond the request's memory is not a damaged one.
      throw e;
    } catch (RuntimeException e) {
      throw notParquet(e);
    }
    if (loaded) {
      VectorSchemaRoot batch = batchReader.batch();
      if (batch.getVector(0) instanceof VarCharVector keys) {
        int row = StringKeys.firstInvalidRow(keys, batch.getRowCount());
        if (row >= 0) {
          throw new InvalidInputException(
              "rows[" + (rowsBefore + row) + "]." + keys.getName(), StringKeys.problem(keys, row));
        }
      }
      rowsBefore += batch.getRowCount();
    }
    return loaded;
  }

  /** The current batch; the same root is refilled by every {@link #loadNextBatch()}. */
  public VectorSchemaRoot batch() {
    return batchReader.batch();
  }

  @Override
  public void close() throws IOException {
    batchReader.close();
  }

  static ParquetFileReader openParquet(InputFile file) throws IOException {
    try {
      return ParquetBatchReader.open(file);
    } catch (RuntimeException e) {
      throw notParquet(e);
    }
  }

  private static void rejectUnknownColumns(
      ParquetFileReader fileReader, FeatureGroup group, Schema target) {
    List<FieldError> errors = new ArrayList<>();
    for (Type column : fileReader.getFileMetaData().getSchema().getFields()) {
      String name = column.getName();
      if (target.getFields().stream().noneMatch(field -> field.getName().equals(name))) {
        errors.add(new FieldError(name, "is not a column of feature group " + group.name()));
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
  }

  /**
   * What a failure of the Parquet reader means: damaged bytes, unless it wraps a fault of the
   * object store the file is read from, which is thrown as it is (the bytes were never read).
   */
  static InvalidInputException notParquet(RuntimeException cause)
      throws ObjectStoreUnavailableException {
    for (Throwable inner = cause; inner != null; inner = inner.getCause()) {
      if (inner instanceof ObjectStoreUnavailableException storeFault) {
        throw storeFault;
      }
    }
    InvalidInputException invalid =
        new InvalidInputException("file", "is not a readable Parquet file: " + cause.getMessage());
    invalid.initCause(cause);
    return invalid;
  }
}
