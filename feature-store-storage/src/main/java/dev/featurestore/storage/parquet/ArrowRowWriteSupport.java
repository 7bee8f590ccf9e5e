package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows straight from Arrow vectors into Parquet's record consumer: no Avro, no per-row
 * objects. The "record" handed to {@link #write} is a reused cursor naming the row of the current
 * batch.
 */
final class ArrowRowWriteSupport extends WriteSupport<ArrowRowWriteSupport.RowCursor> {
  /** The row of the current batch to write next; one instance, reused for every row. */
  static final class RowCursor {
    int row;
  }

  private final MessageType schema;
  private final Map<String, String> keyValueMetadata;
  private RecordConsumer consumer;
  private ValueWriter[] writers = new ValueWriter[0];
  private byte[] scratch = new byte[256];

  /**
   * @param keyValueMetadata written into the file's footer
   */
  ArrowRowWriteSupport(MessageType schema, Map<String, String> keyValueMetadata) {
    this.schema = requireNonNull(schema, "schema is null");
    this.keyValueMetadata = Map.copyOf(keyValueMetadata);
  }

  @Override
  public WriteContext init(Configuration configuration) {
    return new WriteContext(schema, keyValueMetadata);
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(schema, keyValueMetadata);
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  /** Binds the vectors of {@code batch}, whose schema matches the file's, for the rows to come. */
  void bind(VectorSchemaRoot batch) {
    List<FieldVector> vectors = batch.getFieldVectors();
    ValueWriter[] bound = new ValueWriter[vectors.size()];
    for (int index = 0; index < bound.length; index++) {
      bound[index] = writerFor(vectors.get(index));
    }
    writers = bound;
  }

  @Override
  public void write(RowCursor cursor) {
    int row = cursor.row;
    consumer.startMessage();
    for (int index = 0; index < writers.length; index++) {
      ValueWriter writer = writers[index];
      if (writer.isNull(row)) {
        continue; // an absent optional field is Parquet's null
      }
      String name = writer.name();
      consumer.startField(name, index);
      writer.write(row);
      consumer.endField(name, index);
    }
    consumer.endMessage();
  }

  private ValueWriter writerFor(FieldVector vector) {
    return switch (vector.getMinorType()) {
      case VARCHAR -> {
        VarCharVector strings = (VarCharVector) vector;
        yield new ValueWriter(vector, row -> addBytes(strings, row));
      }
      case VARBINARY -> {
        VarBinaryVector bytes = (VarBinaryVector) vector;
        yield new ValueWriter(vector, row -> addBytes(bytes, row));
      }
      case BIGINT -> {
        BigIntVector longs = (BigIntVector) vector;
        yield new ValueWriter(vector, row -> consumer.addLong(longs.get(row)));
      }
      case TIMESTAMPMICROTZ -> {
        TimeStampMicroTZVector times = (TimeStampMicroTZVector) vector;
        yield new ValueWriter(vector, row -> consumer.addLong(times.get(row)));
      }
      case INT -> {
        IntVector ints = (IntVector) vector;
        yield new ValueWriter(vector, row -> consumer.addInteger(ints.get(row)));
      }
      case BIT -> {
        BitVector bits = (BitVector) vector;
        yield new ValueWriter(vector, row -> consumer.addBoolean(bits.get(row) != 0));
      }
      case FLOAT4 -> {
        Float4Vector floats = (Float4Vector) vector;
        yield new ValueWriter(vector, row -> consumer.addFloat(floats.get(row)));
      }
      case FLOAT8 -> {
        Float8Vector doubles = (Float8Vector) vector;
        yield new ValueWriter(vector, row -> consumer.addDouble(doubles.get(row)));
      }
      case FIXED_SIZE_LIST -> {
        FixedSizeListVector list = (FixedSizeListVector) vector;
        yield new ValueWriter(vector, row -> addFloatList(list, row));
      }
      default ->
          throw new IllegalArgumentException(
              "column " + vector.getName() + " has an unsupported vector " + vector.getClass());
    };
  }

  private void addBytes(VarCharVector strings, int row) {
    int start = strings.getStartOffset(row);
    int length = strings.getValueLength(row);
    consumer.addBinary(reusedBinary(strings.getDataBuffer(), start, length));
  }

  private void addBytes(VarBinaryVector bytes, int row) {
    int start = bytes.getStartOffset(row);
    int length = bytes.getValueLength(row);
    consumer.addBinary(reusedBinary(bytes.getDataBuffer(), start, length));
  }

  /** Parquet copies a reused binary wherever it keeps one (dictionary, statistics). */
  private Binary reusedBinary(org.apache.arrow.memory.ArrowBuf data, int start, int length) {
    if (scratch.length < length) {
      scratch = new byte[Math.max(length, scratch.length * 2)];
    }
    data.getBytes(start, scratch, 0, length);
    return Binary.fromReusedByteArray(scratch, 0, length);
  }

  /**
   * The standard three-level LIST: group (LIST) { repeated group list { required float element } }.
   */
  private void addFloatList(FixedSizeListVector list, int row) {
    Float4Vector elements = (Float4Vector) list.getDataVector();
    int dimension = list.getListSize();
    int first = row * dimension;
    consumer.startGroup();
    consumer.startField(StoredRowParquetSchema.LIST_GROUP, 0);
    for (int offset = first; offset < first + dimension; offset++) {
      consumer.startGroup();
      consumer.startField(StoredRowParquetSchema.LIST_ELEMENT, 0);
      consumer.addFloat(elements.get(offset));
      consumer.endField(StoredRowParquetSchema.LIST_ELEMENT, 0);
      consumer.endGroup();
    }
    consumer.endField(StoredRowParquetSchema.LIST_GROUP, 0);
    consumer.endGroup();
  }

  @FunctionalInterface
  private interface RowWrite {
    void write(int row);
  }

  private record ValueWriter(FieldVector vector, String name, boolean nullable, RowWrite write) {
    ValueWriter(FieldVector vector, RowWrite write) {
      this(vector, vector.getName(), vector.getField().isNullable(), write);
    }

    boolean isNull(int row) {
      return nullable && vector.isNull(row);
    }

    void write(int row) {
      write.write(row);
    }
  }
}
