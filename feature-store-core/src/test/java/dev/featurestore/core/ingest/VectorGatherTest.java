package dev.featurestore.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorGatherTest {
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void copiesARangeInBulkAfterTheRowsAlreadyThere(boolean withNulls) {
    try (BufferAllocator allocator = new RootAllocator();
        Float8Vector source = new Float8Vector("f", allocator);
        Float8Vector target = new Float8Vector("f", allocator)) {
      for (int row = 0; row < 100; row++) {
        if (withNulls && row % 3 == 0) {
          source.setNull(row);
        } else {
          source.setSafe(row, row / 4.0);
        }
      }
      source.setValueCount(100);
      target.allocateNew(4);
      target.setNull(0);
      for (int row = 1; row < 3; row++) {
        target.set(row, -row);
      }

      // Starts and ends inside a validity byte, with whole bytes between.
      VectorGather.copyRange(source, 5, 61, target, 3);
      target.setValueCount(64);

      assertThat(target.isNull(0)).isTrue();
      assertThat(target.get(1)).isEqualTo(-1.0);
      assertThat(target.get(2)).isEqualTo(-2.0);
      for (int row = 3; row < 64; row++) {
        assertThat(target.getObject(row)).as("row %d", row).isEqualTo(source.getObject(row + 2));
      }
    }
  }

  @Test
  void copiesARangeOfStringsRowByRow() {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector source = new VarCharVector("k", allocator);
        VarCharVector target = new VarCharVector("k", allocator)) {
      for (int row = 0; row < 10; row++) {
        source.setSafe(row, ("key_" + row).getBytes(StandardCharsets.UTF_8));
      }
      source.setValueCount(10);
      target.allocateNew();

      VectorGather.copyRange(source, 4, 3, target, 0);
      target.setValueCount(3);

      assertThat(target.getObject(0)).hasToString("key_4");
      assertThat(target.getObject(2)).hasToString("key_6");
    }
  }
}
