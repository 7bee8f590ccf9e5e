package dev.featurestore.storage.training;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import dev.featurestore.core.training.TrainingSetOutputs;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import dev.featurestore.storage.parquet.ParquetCompression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes training-set output as one Parquet file in a temporary folder, then puts it in the object
 * store; the local file goes when the output is closed, stored or not.
 */
public final class ParquetTrainingSetOutputs implements TrainingSetOutputs {
  private final ObjectStore objects;
  private final Path temporaryFolder;
  private final ParquetCompression compression;
  private final ExecutorService encoders;

  /**
   * @param encoders the pool, shared with other work, on which the outputs' row groups are encoded
   */
  public ParquetTrainingSetOutputs(
      ObjectStore objects,
      Path temporaryFolder,
      ParquetCompression compression,
      ExecutorService encoders) {
    this.objects = requireNonNull(objects, "objects is null");
    this.temporaryFolder = requireNonNull(temporaryFolder, "temporaryFolder is null");
    this.compression = requireNonNull(compression, "compression is null");
    this.encoders = requireNonNull(encoders, "encoders is null");
  }

  @Override
  public Output open(UUID trainingSetId, String name) {
    return new ParquetOutput(temporaryFolder.resolve(trainingSetId + ".parquet"), name);
  }

  private final class ParquetOutput implements Output {
    private final Path path;
    private final String name;
    private ArrowParquetWriter writer;

    ParquetOutput(Path path, String name) {
      this.path = path;
      this.name = name;
    }

    @Override
    public void begin(Schema schema) throws IOException {
      writer = new ArrowParquetWriter(path, name, schema, compression, encoders);
    }

    @Override
    public void accept(VectorSchemaRoot batch) throws IOException {
      writer.write(batch);
    }

    @Override
    public Written finish() throws IOException {
      ArrowParquetWriter.WrittenFile written = writer.finish();
      return new Written(written.sha256(), written.rowCount());
    }

    @Override
    public void store(String objectKey) throws IOException {
      objects.put(objectKey, path);
    }

    @Override
    public void close() throws IOException {
      try {
        if (writer != null) {
          writer.close();
        }
      } finally {
        Files.deleteIfExists(path);
      }
    }
  }
}
