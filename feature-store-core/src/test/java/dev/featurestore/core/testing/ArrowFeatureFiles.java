package dev.featurestore.core.testing;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.catalog.Catalog;
import dev.featurestore.core.catalog.Commit;
import dev.featurestore.core.catalog.DataFile;
import dev.featurestore.core.ingest.FeatureFileFormat;
import dev.featurestore.core.ingest.StoredRowReader;
import dev.featurestore.core.model.DataFileStats;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.KeyRange;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.core.objectstore.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Feature files as Arrow IPC streams, for tests of the use cases without Parquet: written with the
 * stats the catalog records, and read back from an object store with every row's adding commit
 * filled in, as the Parquet adapter does.
 */
public final class ArrowFeatureFiles implements FeatureFileFormat, StoredRowReader {
  private final ObjectStore objects;
  private final Catalog catalog;

  public ArrowFeatureFiles(ObjectStore objects, Catalog catalog) {
    this.objects = requireNonNull(objects, "objects is null");
    this.catalog = requireNonNull(catalog, "catalog is null");
  }

  @Override
  public DataFileStats write(FeatureGroup group, VectorSchemaRoot sortedRows, Path file)
      throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        ArrowStreamWriter writer = new ArrowStreamWriter(sortedRows, null, out)) {
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    int rows = sortedRows.getRowCount();
    TimeStampMicroTZVector eventTimes = (TimeStampMicroTZVector) sortedRows.getVector(1);
    BigIntVector sequences = (BigIntVector) sortedRows.getVector(2);
    long minEventTime = Long.MAX_VALUE;
    long maxEventTime = Long.MIN_VALUE;
    long minSequence = Long.MAX_VALUE;
    long maxSequence = Long.MIN_VALUE;
    for (int row = 0; row < rows; row++) {
      minEventTime = Math.min(minEventTime, eventTimes.get(row));
      maxEventTime = Math.max(maxEventTime, eventTimes.get(row));
      minSequence = Math.min(minSequence, sequences.get(row));
      maxSequence = Math.max(maxSequence, sequences.get(row));
    }
    KeyRange keys =
        switch (sortedRows.getVector(0)) {
          case VarCharVector strings ->
              KeyRange.ofStrings(
                  strings.getObject(0).toString(), strings.getObject(rows - 1).toString());
          case BigIntVector longs -> KeyRange.ofLongs(longs.get(0), longs.get(rows - 1));
          default -> throw new IllegalArgumentException("not a key vector");
        };
    byte[] bytes = Files.readAllBytes(file);
    return new DataFileStats(
        rows,
        keys,
        EpochMicros.toInstant(minEventTime),
        EpochMicros.toInstant(maxEventTime),
        minSequence,
        maxSequence,
        bytes.length,
        sha256(bytes));
  }

  @Override
  public void forEachBatch(
      FeatureGroup group,
      long sequence,
      List<DataFile> files,
      BufferAllocator allocator,
      Consumer<VectorSchemaRoot> batches)
      throws IOException {
    Map<Long, Instant> writeTimes = new HashMap<>();
    for (Commit commit : catalog.commitsBetween(group.name(), 0, sequence)) {
      writeTimes.put(commit.sequence(), commit.writeTime());
    }
    for (DataFile file : files) {
      try (InputStream in = objects.get(file.objectKey());
          ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
        VectorSchemaRoot batch = reader.getVectorSchemaRoot();
        while (reader.loadNextBatch()) {
          BigIntVector sequences = (BigIntVector) batch.getVector(StoredRowSchema.COMMIT_SEQUENCE);
          TimeStampMicroTZVector times =
              (TimeStampMicroTZVector) batch.getVector(StoredRowSchema.WRITE_TIME);
          for (int row = 0; row < batch.getRowCount(); row++) {
            if (sequences.get(row) == StoredRowSchema.SEQUENCE_OF_ADDING_COMMIT) {
              sequences.set(row, file.addedSequence());
              times.set(row, EpochMicros.of(writeTimes.get(file.addedSequence())));
            }
          }
          batches.accept(batch);
        }
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
