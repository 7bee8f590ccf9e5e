package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Writes Arrow batches of any schema our files use (training-set outputs: spine columns then
 * features) to one Parquet file, with the same type mapping and encodings as feature files, and
 * reports the file's size and SHA-256. The output is deterministic: the same batches give the same
 * bytes, which is what makes a training set reproducible. The footer keeps the Arrow schema (as
 * {@link #ARROW_SCHEMA_KEY}), so that {@link ArrowParquetReader} reads the file back in exactly the
 * types it was written from, vector dimensions included.
 */
public final class ArrowParquetWriter implements AutoCloseable {
  /** Footer key of the Arrow schema, as Arrow's JSON. */
  static final String ARROW_SCHEMA_KEY = "dev.featurestore.arrow.schema";

  private final Path path;
  private final Schema schema;
  private final HashingOutputFile output;
  private final ArrowRowWriteSupport writeSupport;
  private final ParquetWriter<ArrowRowWriteSupport.RowCursor> parquetWriter;
  private final ArrowRowWriteSupport.RowCursor cursor = new ArrowRowWriteSupport.RowCursor();
  private long rowCount;
  private boolean closed;

  /** Size and content hash of a finished file. */
  public record WrittenFile(long rowCount, long byteSize, String sha256) {}

  public ArrowParquetWriter(Path path, String name, Schema schema) throws IOException {
    this.path = requireNonNull(path, "path is null");
    this.schema = requireNonNull(schema, "schema is null");
    MessageType parquetSchema = StoredRowParquetSchema.of(name, schema);
    this.output = new HashingOutputFile(path);
    this.writeSupport =
        new ArrowRowWriteSupport(parquetSchema, Map.of(ARROW_SCHEMA_KEY, schema.toJson()));
    this.parquetWriter =
        parquetWriter(
            output,
            writeSupport,
            schema,
            FeatureFileWriter.DEFAULT_COMPRESSION,
            FeatureFileWriter.ROW_GROUP_BYTES,
            Set.of());
  }

  /**
   * The Parquet writer both our file kinds use: dictionaries for keys, times and strings, none for
   * measurements (floats, vector elements) or for {@code columnsWithoutDictionary}, where they are
   * wasted work.
   */
  static ParquetWriter<ArrowRowWriteSupport.RowCursor> parquetWriter(
      HashingOutputFile output,
      ArrowRowWriteSupport writeSupport,
      Schema schema,
      CompressionCodecName compression,
      long rowGroupBytes,
      Set<String> columnsWithoutDictionary)
      throws IOException {
    Builder builder =
        new Builder(output, writeSupport)
            .withConf(new PlainParquetConfiguration())
            .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
            .withCompressionCodec(compression)
            .withRowGroupSize(rowGroupBytes)
            .withDictionaryEncoding(true);
    for (String column : columnsWithoutDictionary) {
      builder.withDictionaryEncoding(column, false);
    }
    for (Field field : schema.getFields()) {
      if (field.getType() instanceof ArrowType.FixedSizeList) {
        String elementPath =
            field.getName()
                + "."
                + StoredRowParquetSchema.LIST_GROUP
                + "."
                + StoredRowParquetSchema.LIST_ELEMENT;
        builder
            .withDictionaryEncoding(elementPath, false)
            .withStatisticsEnabled(elementPath, false);
      } else if (field.getType() instanceof ArrowType.FloatingPoint) {
        builder.withDictionaryEncoding(field.getName(), false);
      }
    }
    return builder.build();
  }

  public void write(VectorSchemaRoot batch) throws IOException {
    if (closed) {
      throw new IllegalStateException("the writer is already finished");
    }
    if (!batch.getSchema().equals(schema)) {
      throw new IllegalArgumentException(
          "batch schema " + batch.getSchema() + " is not the file's schema " + schema);
    }
    writeSupport.bind(batch);
    for (int row = 0; row < batch.getRowCount(); row++) {
      cursor.row = row;
      parquetWriter.write(cursor);
    }
    rowCount += batch.getRowCount();
  }

  /** Completes the file; it is then ready to upload. */
  public WrittenFile finish() throws IOException {
    closed = true;
    parquetWriter.close();
    return new WrittenFile(rowCount, output.bytesWritten(), output.sha256());
  }

  /** Closing an unfinished writer deletes the partial file. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      parquetWriter.close();
    } finally {
      Files.deleteIfExists(path);
    }
  }

  private static final class Builder
      extends ParquetWriter.Builder<ArrowRowWriteSupport.RowCursor, Builder> {
    private final ArrowRowWriteSupport writeSupport;

    Builder(HashingOutputFile output, ArrowRowWriteSupport writeSupport) {
      super(output);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<ArrowRowWriteSupport.RowCursor> getWriteSupport(
        org.apache.hadoop.conf.Configuration configuration) {
      return writeSupport;
    }

    @Override
    protected WriteSupport<ArrowRowWriteSupport.RowCursor> getWriteSupport(
        org.apache.parquet.conf.ParquetConfiguration configuration) {
      return writeSupport;
    }
  }
}
