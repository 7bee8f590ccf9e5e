package dev.featurestore.storage.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.model.Entity;
import dev.featurestore.core.model.EpochMicros;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureGroup;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.KeyType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.storage.StorageTestBed;
import dev.featurestore.storage.parquet.ArrowParquetWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Arrow download gives back, batch by batch, exactly the batches the output was written from.
 */
class TrainingSetExportTest {
  private static final int ROWS = 20_000;
  private static final int DIMENSION = 3;

  @TempDir Path directory;
  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    // Fails when a buffer leaked.
    allocator.close();
  }

  @Test
  void arrowStreamHoldsEveryRowAndTypeOfTheParquetOutput() throws Exception {
    Path parquet = directory.resolve("output.parquet");
    List<List<Object>> written;
    try (VectorSchemaRoot output = outputWithEveryType()) {
      written = rows(output);
      try (ArrowParquetWriter writer =
          new ArrowParquetWriter(
              parquet, "training_set", output.getSchema(), StorageTestBed.THREADS)) {
        writer.write(output);
        writer.finish();
      }

      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      TrainingSetExport.writeArrowStream(parquet, allocator, stream);

      List<List<Object>> read = new ArrayList<>();
      int batches = 0;
      try (ArrowStreamReader reader =
          new ArrowStreamReader(new ByteArrayInputStream(stream.toByteArray()), allocator)) {
        assertThat(reader.getVectorSchemaRoot().getSchema()).isEqualTo(output.getSchema());
        while (reader.loadNextBatch()) {
          read.addAll(rows(reader.getVectorSchemaRoot()));
          batches++;
        }
      }
      assertThat(batches).as("streamed in bounded batches").isGreaterThan(1);
      assertThat(read).hasSize(ROWS);
      for (int row = 0; row < ROWS; row++) {
        assertThat(read.get(row)).as("row " + row).isEqualTo(written.get(row));
      }
    }
  }

  /**
   * Times as far from 1970 as ingest accepts (year 1 to 9999) are written as they are: nanoseconds
   * since 1970 in a long, as the CSV and JSON writers once counted them, reach only 1677 to 2262.
   */
  @Test
  void csvAndJsonWriteTimesFarFrom1970AsTheyAre() throws Exception {
    Path parquet = directory.resolve("far.parquet");
    Schema schema =
        new Schema(
            List.of(
                StoredRowSchema.keyField(new Entity("user_id", KeyType.STRING, "")),
                new Field(
                    "spine_time", FieldType.notNullable(StoredRowSchema.TIMESTAMP_TYPE), null)));
    try (VectorSchemaRoot output = VectorSchemaRoot.create(schema, allocator)) {
      output.allocateNew();
      long[] times = {
        EpochMicros.of(Instant.parse("0001-01-01T00:00:00Z")),
        EpochMicros.of(Instant.parse("9999-12-31T23:59:59.999999Z"))
      };
      for (int row = 0; row < times.length; row++) {
        ((VarCharVector) output.getVector(0)).setSafe(row, "u".getBytes(StandardCharsets.UTF_8));
        ((TimeStampMicroTZVector) output.getVector(1)).setSafe(row, times[row]);
      }
      output.setRowCount(times.length);
      try (ArrowParquetWriter writer =
          new ArrowParquetWriter(parquet, "training_set", schema, StorageTestBed.THREADS)) {
        writer.write(output);
        writer.finish();
      }
    }

    for (TrainingSetExport.Format format : TrainingSetExport.Format.values()) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      TrainingSetExport.write(parquet, format, text);
      assertThat(text.toString(StandardCharsets.UTF_8))
          .as(format.name())
          .contains("0001-01-01T00:00:00Z")
          .contains("9999-12-31T23:59:59.999999Z");
    }
  }

  /** A spine (key, time, label) and one feature of every type, every third feature value null. */
  private VectorSchemaRoot outputWithEveryType() {
    FeatureGroup group =
        new FeatureGroup(
            "every_type",
            new Entity("user_id", KeyType.STRING, ""),
            List.of(
                FeatureDefinition.scalar("flag", FeatureType.BOOL),
                FeatureDefinition.scalar("count", FeatureType.INT32),
                FeatureDefinition.scalar("total", FeatureType.INT64),
                FeatureDefinition.scalar("ratio", FeatureType.FLOAT32),
                FeatureDefinition.scalar("score", FeatureType.FLOAT64),
                FeatureDefinition.scalar("country", FeatureType.STRING),
                FeatureDefinition.scalar("payload", FeatureType.BYTES),
                FeatureDefinition.scalar("seen_at", FeatureType.TIMESTAMP),
                FeatureDefinition.vector("embedding", DIMENSION)),
            java.time.Duration.ZERO,
            false,
            "",
            1);
    Schema stored = StoredRowSchema.of(group);
    List<Field> fields = new ArrayList<>();
    fields.add(stored.getFields().get(0));
    fields.add(stored.getFields().get(1));
    fields.add(StoredRowSchema.featureField(FeatureDefinition.scalar("label", FeatureType.INT64)));
    group.features().forEach(feature -> fields.add(StoredRowSchema.featureField(feature)));
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    root.allocateNew();
    for (int row = 0; row < ROWS; row++) {
      ((VarCharVector) root.getVector(0))
          .setSafe(row, ("u" + row % 97).getBytes(StandardCharsets.UTF_8));
      ((TimeStampMicroTZVector) root.getVector(1)).setSafe(row, 1_767_225_600_000_000L + row);
      ((BigIntVector) root.getVector(2)).setSafe(row, row % 2);
      if (row % 3 == 0) {
        for (int column = 3; column < fields.size(); column++) {
          root.getVector(column).setNull(row);
        }
        continue;
      }
      ((BitVector) root.getVector("flag")).setSafe(row, row % 2);
      ((IntVector) root.getVector("count")).setSafe(row, row);
      ((BigIntVector) root.getVector("total")).setSafe(row, (long) row << 33);
      ((Float4Vector) root.getVector("ratio")).setSafe(row, row / 7f);
      ((Float8Vector) root.getVector("score")).setSafe(row, row / 3.0);
      ((VarCharVector) root.getVector("country"))
          .setSafe(row, ("c, \"" + row).getBytes(StandardCharsets.UTF_8));
      ((VarBinaryVector) root.getVector("payload")).setSafe(row, new byte[] {(byte) row, 0, -1});
      ((TimeStampMicroTZVector) root.getVector("seen_at")).setSafe(row, -row);
      FixedSizeListVector embedding = (FixedSizeListVector) root.getVector("embedding");
      int start = embedding.startNewValue(row);
      Float4Vector elements = (Float4Vector) embedding.getDataVector();
      for (int i = 0; i < DIMENSION; i++) {
        elements.setSafe(start + i, row + i / 10f);
      }
    }
    root.setRowCount(ROWS);
    return root;
  }

  private static List<List<Object>> rows(VectorSchemaRoot root) {
    List<List<Object>> rows = new ArrayList<>();
    for (int row = 0; row < root.getRowCount(); row++) {
      List<Object> values = new ArrayList<>();
      for (FieldVector vector : root.getFieldVectors()) {
        Object value = vector.getObject(row);
        values.add(value instanceof byte[] bytes ? List.of(bytes[0], bytes[1], bytes[2]) : value);
      }
      rows.add(values);
    }
    return rows;
  }
}
