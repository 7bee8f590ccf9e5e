package dev.featurestore.storage.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.featurestore.core.memory.RecyclingAllocationManager;
import dev.featurestore.core.model.FeatureDefinition;
import dev.featurestore.core.model.FeatureType;
import dev.featurestore.core.model.StoredRowSchema;
import dev.featurestore.storage.StorageTestBed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.arrow.memory.ArrowBuf;
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
import org.apache.arrow.vector.compare.VectorEqualsVisitor;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random batches of every feature type (nulls or not, small domains that stay dictionary-encoded
 * and large ones that overflow the dictionary mid-chunk, several pages and row groups) written to
 * Parquet and read back by the bulk page decoder and by parquet-java's per-value column readers:
 * both must return exactly the rows written, batch by batch.
 */
class PageDecoderTest {
  private static final int ROWS = 45_000;

  @TempDir Path directory;

  private final BufferAllocator allocator = new RootAllocator();

  @AfterEach
  void closeAllocator() {
    allocator.close();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6})
  void bulkDecodingReadsWhatOurWriterWrote(long seed) throws IOException {
    Random random = new Random(seed);
    Schema schema = randomSchema(random);
    Path file = directory.resolve("random-" + seed + ".parquet");
    try (VectorSchemaRoot source = randomRows(schema, ROWS, random)) {
      Set<String> withoutDictionary = withoutDictionary(schema, random);
      write(
          source,
          file,
          new ArrowColumnsWriter.RowGroups.BySize((256 + random.nextInt(1024)) << 10),
          withoutDictionary,
          new Random(seed));
      assertThat(rowGroups(file)).as("row groups").isGreaterThan(1);
      int batchRows = 1 + random.nextInt(30_000);
      assertReadsBack(file, schema, source, batchRows, true);
      assertReadsBack(file, schema, source, batchRows, false);
    }
    assertThat(encodings(file))
        .as("dictionary and plain pages both occur")
        .contains(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY);
  }

  /**
   * Row groups of whole batches, encoded on background threads, read back as written, and the
   * number of threads does not change a byte of the file (training sets must be reproducible).
   */
  @ParameterizedTest
  @ValueSource(longs = {11, 12})
  void rowGroupsEncodedInTheBackgroundReadBackAndDoNotDependOnTheThreads(long seed)
      throws IOException {
    Random random = new Random(seed);
    Schema schema = randomSchema(random);
    Path onOneThread = directory.resolve("one-thread-" + seed + ".parquet");
    Path onThree = directory.resolve("three-threads-" + seed + ".parquet");
    try (VectorSchemaRoot source = randomRows(schema, ROWS, random)) {
      Set<String> withoutDictionary = withoutDictionary(schema, random);
      int groupRows = 1 + random.nextInt(10_000);
      write(
          source,
          onOneThread,
          new ArrowColumnsWriter.RowGroups.ByBatches(groupRows, StorageTestBed.THREADS, 1),
          withoutDictionary,
          new Random(seed));
      write(
          source,
          onThree,
          new ArrowColumnsWriter.RowGroups.ByBatches(groupRows, StorageTestBed.THREADS, 3),
          withoutDictionary,
          new Random(seed));
      assertThat(rowGroups(onOneThread)).as("row groups").isGreaterThan(1);
      assertThat(Files.mismatch(onOneThread, onThree)).as("first differing byte").isEqualTo(-1);
      assertReadsBack(onThree, schema, source, 1 + random.nextInt(30_000), true);
    }
  }

  /**
   * The bulk decoder leaves a fixed-width vector's data unzeroed when it allocates it, so it writes
   * a null row's value as zero itself: a null reads as the same bytes whatever memory the batch got
   * (here a block the allocator recycled, full of ones), as after Arrow's zeroing allocation.
   */
  @Test
  void aNullRowHoldsZeroBytesEvenInRecycledMemory() throws IOException {
    Field score =
        StoredRowSchema.featureField(FeatureDefinition.scalar("score", FeatureType.FLOAT64));
    Schema schema = new Schema(List.of(score));
    Path file = directory.resolve("nulls.parquet");
    Random random = new Random(21);
    try (VectorSchemaRoot source = VectorSchemaRoot.create(schema, allocator)) {
      Float8Vector values = (Float8Vector) source.getVector(0);
      values.allocateNew(ROWS);
      for (int row = 0; row < ROWS; row++) {
        if (row % 3 != 0) {
          values.set(row, random.nextDouble());
        }
      }
      source.setRowCount(ROWS);
      write(
          source, file, new ArrowColumnsWriter.RowGroups.BySize(1 << 20), Set.of("score"), random);
    }
    try (BufferAllocator recycling = RecyclingAllocationManager.newRootAllocator()) {
      try (ArrowBuf ones = recycling.buffer((long) ROWS * Double.BYTES)) {
        ones.setOne(0, ones.capacity());
      }
      ParquetFileReader fileReader =
          ParquetFileReader.open(new LocalInputFile(file), ParquetReadOptions.builder().build());
      try (ParquetBatchReader reader =
          new ParquetBatchReader(
              fileReader, schema, List.of(), List.of(0), ROWS, recycling, true)) {
        assertThat(reader.loadNextBatch()).isTrue();
        Float8Vector read = (Float8Vector) reader.batch().getVector(0);
        assertThat(read.getValueCount()).isEqualTo(ROWS);
        for (int row = 0; row < ROWS; row += 3) {
          assertThat(read.isNull(row)).as("row %d is null", row).isTrue();
          assertThat(read.getDataBuffer().getLong((long) row * Double.BYTES))
              .as("bytes of null row %d", row)
              .isZero();
        }
      }
    }
  }

  /** An abandoned writer frees every batch it took over, encoded or not. */
  @Test
  void anAbandonedWriterFreesTheBatchesItTookOver() throws IOException {
    Random random = new Random(13);
    Schema schema = randomSchema(random);
    try (VectorSchemaRoot source = randomRows(schema, ROWS, random)) {
      long sourceBytes = allocator.getAllocatedMemory();
      try (ArrowColumnsWriter writer =
          new ArrowColumnsWriter(
              new LocalOutputFile(directory.resolve("abandoned.parquet")),
              StoredRowParquetSchema.of("random", schema),
              schema,
              ParquetCompression.DEFAULT,
              new ArrowColumnsWriter.RowGroups.ByBatches(10_000, StorageTestBed.THREADS, 2),
              Set.of(),
              Map.of())) {
        for (int from = 0; from + 7_000 <= ROWS; from += 7_000) {
          try (VectorSchemaRoot copy = copyOf(source.slice(from, 7_000))) {
            writer.write(copy);
          }
        }
      }
      assertThat(allocator.getAllocatedMemory()).isEqualTo(sourceBytes);
    }
  }

  /**
   * Data pages V2 from parquet-java's own record writer: dictionary and plain chunks decode in
   * bulk, DELTA_* and RLE-boolean chunks take the row path, in the same file.
   */
  @ParameterizedTest
  @ValueSource(longs = {7, 8})
  void bulkAndRowPathsShareAFileWithV2PagesAndDeltaEncodings(long seed) throws IOException {
    Random random = new Random(seed);
    Schema schema = randomSchema(random);
    MessageType parquetSchema = StoredRowParquetSchema.of("random", schema);
    Path file = directory.resolve("v2-" + seed + ".parquet");
    try (VectorSchemaRoot source = randomRows(schema, ROWS, random)) {
      try (ParquetWriter<Group> writer =
          ExampleParquetWriter.builder(new LocalOutputFile(file))
              .withType(parquetSchema)
              .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_2_0)
              .withCompressionCodec(CompressionCodecName.ZSTD)
              .withRowGroupSize(512L << 10)
              .build()) {
        SimpleGroupFactory groups = new SimpleGroupFactory(parquetSchema);
        for (int row = 0; row < ROWS; row++) {
          writer.write(group(groups, source, row));
        }
      }
      assertReadsBack(file, schema, source, 1 + random.nextInt(30_000), true);
    }
    assertThat(encodings(file))
        .as("both bulk and row-path encodings occur")
        .contains(Encoding.PLAIN, Encoding.RLE_DICTIONARY, Encoding.DELTA_BINARY_PACKED);
  }

  private void assertReadsBack(
      Path file, Schema schema, VectorSchemaRoot source, int batchRows, boolean bulk)
      throws IOException {
    ParquetFileReader fileReader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder().usePageChecksumVerification(true).build());
    List<Integer> rowGroups = IntStream.range(0, fileReader.getRowGroups().size()).boxed().toList();
    int read = 0;
    try (ParquetBatchReader reader =
        new ParquetBatchReader(
            fileReader, schema, List.of(), rowGroups, batchRows, allocator, bulk)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.batch();
        try (VectorSchemaRoot expected = source.slice(read, batch.getRowCount())) {
          for (int column = 0; column < schema.getFields().size(); column++) {
            assertThat(
                    VectorEqualsVisitor.vectorEquals(
                        expected.getVector(column), batch.getVector(column)))
                .as(
                    "%s, rows %d.. (bulk %s, batches of %d)",
                    schema.getFields().get(column).getName(), read, bulk, batchRows)
                .isTrue();
          }
        }
        read += batch.getRowCount();
      }
    }
    assertThat(read).isEqualTo(source.getRowCount());
  }

  /** The nine feature types, each nullable or not at random, in random order. */
  private static Schema randomSchema(Random random) {
    List<FeatureDefinition> features =
        new ArrayList<>(
            List.of(
                FeatureDefinition.scalar("flag", FeatureType.BOOL),
                FeatureDefinition.scalar("count", FeatureType.INT32),
                FeatureDefinition.scalar("total", FeatureType.INT64),
                FeatureDefinition.scalar("ratio", FeatureType.FLOAT32),
                FeatureDefinition.scalar("score", FeatureType.FLOAT64),
                FeatureDefinition.scalar("label", FeatureType.STRING),
                FeatureDefinition.scalar("payload", FeatureType.BYTES),
                FeatureDefinition.scalar("seen_at", FeatureType.TIMESTAMP),
                FeatureDefinition.vector("embedding", 1 + random.nextInt(12))));
    java.util.Collections.shuffle(features, random);
    List<Field> fields = new ArrayList<>();
    for (FeatureDefinition feature : features) {
      Field field = StoredRowSchema.featureField(feature);
      boolean nullable = random.nextInt(3) > 0;
      fields.add(
          new Field(
              field.getName(),
              new FieldType(nullable, field.getType(), null),
              field.getChildren()));
    }
    return new Schema(fields);
  }

  /**
   * Per column: a null rate among none, few, most and all, and a domain that either keeps the
   * dictionary (a few dozen values) or overflows it.
   */
  private VectorSchemaRoot randomRows(Schema schema, int rows, Random random) {
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    for (FieldVector vector : root.getFieldVectors()) {
      // labels, never all null and from a small domain, give every file dictionary pages
      boolean label = vector.getName().equals("label");
      double nullRate =
          vector.getField().isNullable()
              ? new double[] {0, 0.05, 0.8, 1}[random.nextInt(label ? 3 : 4)]
              : 0;
      int domain = label || random.nextBoolean() ? 40 : Integer.MAX_VALUE;
      vector.setInitialCapacity(rows);
      vector.allocateNew();
      for (int row = 0; row < rows; row++) {
        if (random.nextDouble() < nullRate) {
          continue;
        }
        int value = domain == Integer.MAX_VALUE ? random.nextInt() : random.nextInt(domain);
        setValue(vector, row, value, random);
      }
      vector.setValueCount(rows);
    }
    root.setRowCount(rows);
    return root;
  }

  private static void setValue(FieldVector vector, int row, int value, Random random) {
    if (vector instanceof BitVector bits) {
      bits.set(row, value & 1);
    } else if (vector instanceof IntVector ints) {
      ints.set(row, value);
    } else if (vector instanceof BigIntVector longs) {
      longs.set(row, (long) value * 1_000_003L);
    } else if (vector instanceof Float4Vector floats) {
      floats.set(row, value / 7.0f);
    } else if (vector instanceof Float8Vector doubles) {
      doubles.set(row, value / 7.0);
    } else if (vector instanceof VarCharVector strings) {
      strings.setSafe(row, ("v\u00e9" + value).repeat(value & 3).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof VarBinaryVector bytes) {
      bytes.setSafe(row, new byte[] {(byte) value, (byte) (value >> 8), 0}, 0, value & 3);
    } else if (vector instanceof TimeStampMicroTZVector times) {
      times.set(row, FeatureFileTestData.BASE_MICROS + value * 1_000L);
    } else if (vector instanceof FixedSizeListVector lists) {
      Float4Vector elements = (Float4Vector) lists.getDataVector();
      int dimension = lists.getListSize();
      elements.setValueCount(Math.max(elements.getValueCount(), (row + 1) * dimension));
      for (int element = 0; element < dimension; element++) {
        elements.setSafe(row * dimension + element, value + element * random.nextFloat());
      }
      lists.setNotNull(row);
    } else {
      throw new IllegalArgumentException(vector.getClass().toString());
    }
  }

  /** The row as parquet-java's example record, for its own writer. */
  private static Group group(SimpleGroupFactory groups, VectorSchemaRoot source, int row) {
    Group group = groups.newGroup();
    for (FieldVector vector : source.getFieldVectors()) {
      if (vector.isNull(row)) {
        continue;
      }
      String name = vector.getName();
      if (vector instanceof BitVector bits) {
        group.append(name, bits.get(row) == 1);
      } else if (vector instanceof IntVector ints) {
        group.append(name, ints.get(row));
      } else if (vector instanceof BigIntVector longs) {
        group.append(name, longs.get(row));
      } else if (vector instanceof TimeStampMicroTZVector times) {
        group.append(name, times.get(row));
      } else if (vector instanceof Float4Vector floats) {
        group.append(name, floats.get(row));
      } else if (vector instanceof Float8Vector doubles) {
        group.append(name, doubles.get(row));
      } else if (vector instanceof VarCharVector strings) {
        group.append(name, Binary.fromConstantByteArray(strings.get(row)));
      } else if (vector instanceof VarBinaryVector bytes) {
        group.append(name, Binary.fromConstantByteArray(bytes.get(row)));
      } else if (vector instanceof FixedSizeListVector lists) {
        Group list = group.addGroup(name);
        Float4Vector elements = (Float4Vector) lists.getDataVector();
        for (int element = 0; element < lists.getListSize(); element++) {
          list.addGroup(StoredRowParquetSchema.LIST_GROUP)
              .append(
                  StoredRowParquetSchema.LIST_ELEMENT,
                  elements.get(row * lists.getListSize() + element));
        }
      }
    }
    return group;
  }

  private static Set<String> withoutDictionary(Schema schema, Random random) {
    Set<String> withoutDictionary = new HashSet<>();
    for (Field field : schema.getFields()) {
      // labels keep their dictionary (see randomRows)
      if (!field.getName().equals("label") && random.nextBoolean()) {
        withoutDictionary.add(field.getName());
      }
    }
    return withoutDictionary;
  }

  /** Writes {@code source} in slices of random lengths drawn from {@code slicing}. */
  private static void write(
      VectorSchemaRoot source,
      Path file,
      ArrowColumnsWriter.RowGroups rowGroups,
      Set<String> withoutDictionary,
      Random slicing)
      throws IOException {
    Schema schema = source.getSchema();
    try (ArrowColumnsWriter writer =
        new ArrowColumnsWriter(
            new LocalOutputFile(file),
            StoredRowParquetSchema.of("random", schema),
            schema,
            ParquetCompression.DEFAULT,
            rowGroups,
            withoutDictionary,
            Map.of())) {
      int from = 0;
      while (from < ROWS) {
        int length = Math.min(ROWS - from, 1 + slicing.nextInt(20_000));
        try (VectorSchemaRoot slice = source.slice(from, length)) {
          writer.write(slice);
        }
        from += length;
      }
      writer.finish();
    }
  }

  /** A copy with buffers of its own, so that taking it over leaves the source alone. */
  private VectorSchemaRoot copyOf(VectorSchemaRoot slice) {
    try (slice) {
      VectorSchemaRoot copy = VectorSchemaRoot.create(slice.getSchema(), allocator);
      for (int column = 0; column < slice.getFieldVectors().size(); column++) {
        FieldVector to = copy.getVector(column);
        FieldVector from = slice.getVector(column);
        for (int row = 0; row < slice.getRowCount(); row++) {
          to.copyFromSafe(row, row, from);
        }
        to.setValueCount(slice.getRowCount());
      }
      copy.setRowCount(slice.getRowCount());
      return copy;
    }
  }

  private static int rowGroups(Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      return reader.getRowGroups().size();
    }
  }

  private static Set<Encoding> encodings(Path file) throws IOException {
    Set<Encoding> encodings = new HashSet<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      for (BlockMetaData block : reader.getRowGroups()) {
        for (ColumnChunkMetaData chunk : block.getColumns()) {
          encodings.addAll(chunk.getEncodings());
        }
      }
    }
    return encodings;
  }
}
