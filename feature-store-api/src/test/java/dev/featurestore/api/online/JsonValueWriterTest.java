package dev.featurestore.api.online;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The writer's JSON is the generator's own, byte for byte, and parses back to the values. */
class JsonValueWriterTest {
  private final JsonMapper json = JsonMapper.builder().build();

  @Test
  void writesDoublesAsTheGeneratorDoesAndTheyParseBackExactly() {
    SplittableRandom random = new SplittableRandom(11);
    double[] values = new double[20_000];
    for (int i = 0; i < values.length; i++) {
      values[i] =
          i % 2 == 0 ? Double.longBitsToDouble(random.nextLong()) : random.nextDouble() * 1000;
    }
    values[0] = Double.NaN;
    values[1] = Double.POSITIVE_INFINITY;
    values[2] = Double.NEGATIVE_INFINITY;
    values[3] = -0.0;
    values[4] = Double.MIN_VALUE;
    values[5] = Double.MAX_VALUE;

    String ours =
        write(
            (generator, writer) -> {
              for (double value : values) {
                writer.writeDouble(value);
              }
            });
    String generators =
        write(
            (generator, writer) -> {
              for (double value : values) {
                generator.writeNumber(value);
              }
            });
    assertThat(ours).isEqualTo(generators);
    assertThat(ours).startsWith("[\"NaN\",\"Infinity\",\"-Infinity\",-0.0,4.9E-324,");

    JsonNode parsed = json.readTree(ours);
    for (int i = 0; i < values.length; i++) {
      double back =
          parsed.get(i).isString()
              ? Double.parseDouble(parsed.get(i).stringValue())
              : parsed.get(i).doubleValue();
      assertThat(Double.doubleToLongBits(back))
          .as("value %d: %s", i, values[i])
          .isEqualTo(Double.doubleToLongBits(values[i]));
    }
  }

  @Test
  void writesEveryFeatureTypeAsTheGeneratorDoes() {
    byte[] text = "héllo \"q\"".getBytes(StandardCharsets.UTF_8);
    byte[] binary = {0, 1, 2, (byte) 0xff};
    float[] vector = {1.5f, -0.0f, Float.MIN_VALUE, 3.4e38f, Float.NaN};
    String ours =
        write(
            (generator, writer) -> {
              writer.writeNull();
              writer.writeBoolean(true);
              writer.writeLong(Long.MIN_VALUE);
              writer.writeFloat(0.1f);
              writer.writeFloat(Float.NEGATIVE_INFINITY);
              writer.writeDouble(0.1);
              writer.writeTimestampMicros(1_764_000_000_123_456L);
              writer.writeUtf8(text, 0, text.length);
              writer.writeBinary(binary, 0, binary.length);
              writer.writeFloatVector(vector, 1, 4);
            });
    String generators =
        write(
            (generator, writer) -> {
              generator.writeNull();
              generator.writeBoolean(true);
              generator.writeNumber(Long.MIN_VALUE);
              generator.writeNumber(0.1f);
              generator.writeNumber(Float.NEGATIVE_INFINITY);
              generator.writeNumber(0.1);
              generator.writeString("2025-11-24T16:00:00.123456Z");
              generator.writeUTF8String(text, 0, text.length);
              generator.writeBinary(binary, 0, binary.length);
              generator.writeStartArray();
              for (int i = 1; i < 5; i++) {
                generator.writeNumber(vector[i]);
              }
              generator.writeEndArray();
            });
    assertThat(ours).isEqualTo(generators);
    assertThat(ours)
        .isEqualTo(
            "[null,true,-9223372036854775808,0.1,\"-Infinity\",0.1,"
                + "\"2025-11-24T16:00:00.123456Z\",\"héllo \\\"q\\\"\",\"AAEC/w==\","
                + "[-0.0,1.4E-45,3.4E38,\"NaN\"]]");
  }

  private String write(BiConsumer<JsonGenerator, JsonValueWriter> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = json.createGenerator(out)) {
      generator.writeStartArray();
      values.accept(generator, new JsonValueWriter(generator));
      generator.writeEndArray();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
