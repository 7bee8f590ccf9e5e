package dev.featurestore.storage.ingest;

import static org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.featurestore.core.InvalidInputException;
import dev.featurestore.testing.UploadBodies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams Arrow Java would leak memory on are refused before it reads them; valid ones pass the
 * checks.
 */
class ArrowStreamFramingTest {
  private static final String ROWS =
      "SELECT 'u' || (i % 7) AS user_id,"
          + " TIMESTAMPTZ '2026-03-01 00:00:00+00' + to_hours(i) AS event_time,"
          + " i::BIGINT AS clicks_7d, i / 3.0 AS score, 'c' || i AS country,"
          + " [i, i + 0.5, -i]::FLOAT[] AS embedding FROM range(40) t(i)";

  @TempDir Path folder;

  @Test
  void refusesAMessageAfterTheSchemaThatIsNoBatch() throws Exception {
    Path valid = UploadBodies.arrowStream(ROWS, folder.resolve("valid.arrow"));
    assertThatCode(() -> ArrowStreamDecoder.checkFraming(valid)).doesNotThrowAnyException();
    // Found by MalformedUploadIT: flipping these bytes turns the first batch's header type into
    // 49, whose body Arrow Java allocates and then leaks when it refuses the message.
    byte[] flipped = Files.readAllBytes(valid);
    int at = (int) (0.18 * flipped.length);
    for (int i = at; i < at + 15; i++) {
      flipped[i] ^= 50;
    }
    Path file = Files.write(folder.resolve("flipped.arrow"), flipped);

    assertThatThrownBy(() -> ArrowStreamDecoder.checkFraming(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("neither a record nor a dictionary batch");
  }

  @Test
  void acceptsFixedSizeListVectorsAsPyarrowWritesThem() throws Exception {
    // pyarrow sends a vector column as a fixed-size list, which has no offsets: Arrow Java's full
    // validation asks for them and threw, a 500 for every such commit.
    try (RootAllocator allocator = new RootAllocator()) {
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      Field element = Field.nullable("element", new ArrowType.FloatingPoint(SINGLE));
      Field embedding =
          new Field(
              "embedding", FieldType.nullable(new ArrowType.FixedSizeList(2)), List.of(element));
      try (VectorSchemaRoot batch =
              VectorSchemaRoot.create(new Schema(List.of(embedding)), allocator);
          ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, stream)) {
        FixedSizeListVector vectors = (FixedSizeListVector) batch.getVector("embedding");
        Float4Vector elements =
            (Float4Vector) vectors.addOrGetVector(element.getFieldType()).getVector();
        vectors.allocateNew();
        vectors.setNotNull(0);
        elements.setSafe(0, 1.5f);
        elements.setSafe(1, -2f);
        elements.setValueCount(2);
        batch.setRowCount(1);
        writer.writeBatch();
      }
      try (ArrowStreamReader reader =
          new ArrowStreamReader(new ByteArrayInputStream(stream.toByteArray()), allocator)) {
        assertThat(ArrowStreamDecoder.loadNextBatch(reader)).isTrue();
        assertThat(reader.getVectorSchemaRoot().getVector("embedding").getObject(0))
            .isEqualTo(List.of(1.5f, -2f));
      }
    }
  }
}
