package dev.featurestore.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class StoredRowSorterTest {
  @Test
  void sortsBothHalvesOnThePoolIntoTheStableOrder() {
    int rows = 5_000;
    Random random = new Random(24);
    String[] keys = new String[rows];
    long[] times = new long[rows];
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector key = new VarCharVector("user_id", allocator);
        TimeStampMicroTZVector eventTime =
            new TimeStampMicroTZVector("event_time", allocator, "UTC")) {
      for (int row = 0; row < rows; row++) {
        // Few keys and times, so that many rows tie and only stability orders them.
        keys[row] = "user_" + random.nextInt(40);
        times[row] = random.nextInt(5);
        key.setSafe(row, keys[row].getBytes(StandardCharsets.UTF_8));
        eventTime.setSafe(row, times[row]);
      }
      key.setValueCount(rows);
      eventTime.setValueCount(rows);
      VectorSchemaRoot batch = VectorSchemaRoot.of(key, eventTime);

      int[] order = StoredRowSorter.sortOrder(batch, pool);

      List<Integer> expected = new ArrayList<>();
      for (int row = 0; row < rows; row++) {
        expected.add(row);
      }
      expected.sort(
          Comparator.<Integer, String>comparing(row -> keys[row])
              .thenComparingLong(row -> times[row])); // List.sort is stable
      assertThat(order).containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
    } finally {
      pool.close();
    }
  }
}
