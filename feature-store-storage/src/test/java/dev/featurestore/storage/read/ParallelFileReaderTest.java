package dev.featurestore.storage.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelFileReaderTest {
  private static final int FILES = 12;
  private static final int BATCHES_PER_FILE = 5;
  private static final int ROWS_PER_BATCH = 100;

  private final ExecutorService readers =
      Executors.newFixedThreadPool(3, Thread.ofPlatform().name("shared-reader-", 0).factory());

  @AfterEach
  void closeReaders() {
    readers.close();
  }

  @Test
  void consecutiveReadsReuseTheThreadsOfTheSharedExecutor() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files = new ArrayList<>();
      for (int file = 0; file < FILES; file++) {
        files.add(numbers(allocator, file));
      }
      Set<String> readingThreads = ConcurrentHashMap.newKeySet();
      ParallelFileReader reader = new ParallelFileReader(allocator, readers, 3);

      for (int read = 0; read < 2; read++) {
        reader.forEachPreparedBatch(
            files, batch -> readingThreads.add(Thread.currentThread().getName()), (b, p) -> {});
      }

      assertThat(readingThreads)
          .isNotEmpty()
          .hasSizeLessThanOrEqualTo(3)
          .allSatisfy(name -> assertThat(name).startsWith("shared-reader-"));
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void handsEveryBatchOfEveryFileToTheConsumerOnce() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files = new ArrayList<>();
      for (int file = 0; file < FILES; file++) {
        files.add(numbers(allocator, file));
      }
      List<Long> seen = new ArrayList<>();

      new ParallelFileReader(allocator, readers, 3)
          .forEachBatch(
              files,
              batch -> {
                BigIntVector values = (BigIntVector) batch.getVector(0);
                for (int row = 0; row < batch.getRowCount(); row++) {
                  seen.add(values.get(row));
                }
              });

      assertThat(seen)
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, (long) FILES * BATCHES_PER_FILE * ROWS_PER_BATCH)
                  .boxed()
                  .toList());
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  /** The preparation runs on the reading threads, and each result reaches its own batch. */
  @Test
  void preparesEachBatchOnTheReadingThreadsAndHandsTheResultWithIt() throws IOException {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files = new ArrayList<>();
      for (int file = 0; file < FILES; file++) {
        files.add(numbers(allocator, file));
      }
      Thread caller = Thread.currentThread();
      Set<Thread> preparingThreads = ConcurrentHashMap.newKeySet();
      List<Long> sums = new ArrayList<>();

      new ParallelFileReader(allocator, readers, 3)
          .forEachPreparedBatch(
              files,
              batch -> {
                preparingThreads.add(Thread.currentThread());
                return sum(batch);
              },
              (batch, preparedSum) -> {
                assertThat(Thread.currentThread()).isSameAs(caller);
                assertThat(preparedSum).isEqualTo(sum(batch));
                sums.add(preparedSum);
              });

      assertThat(sums).hasSize(FILES * BATCHES_PER_FILE);
      assertThat(preparingThreads).isNotEmpty().doesNotContain(caller);
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  private static long sum(VectorSchemaRoot batch) {
    BigIntVector values = (BigIntVector) batch.getVector(0);
    long sum = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      sum += values.get(row);
    }
    return sum;
  }

  /** A full allocator is a limit of the read, not a failed file: it comes out as itself. */
  @Test
  void passesAMemoryLimitOnUnwrapped() {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files =
          numbersWithTheMiddleFileFailing(
              allocator,
              consumer -> {
                throw new OutOfMemoryException("over the read's limit");
              });

      assertThatThrownBy(
              () -> new ParallelFileReader(allocator, readers, 3).forEachBatch(files, batch -> {}))
          .isInstanceOf(OutOfMemoryException.class)
          .hasMessage("over the read's limit");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void reportsAFileThatFailsAndFreesQueuedBatches() {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files =
          numbersWithTheMiddleFileFailing(
              allocator,
              consumer -> {
                throw new IOException("file 6 is corrupt");
              });

      assertThatThrownBy(
              () -> new ParallelFileReader(allocator, readers, 3).forEachBatch(files, batch -> {}))
          .isInstanceOf(IOException.class)
          .hasMessage("file 6 is corrupt");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void stopsReadingWhenTheConsumerFails() {
    try (BufferAllocator allocator = new RootAllocator()) {
      List<ParallelFileReader.FileBatches> files = new ArrayList<>();
      for (int file = 0; file < FILES; file++) {
        files.add(numbers(allocator, file));
      }

      assertThatThrownBy(
              () ->
                  new ParallelFileReader(allocator, readers, 3)
                      .forEachBatch(
                          files,
                          batch -> {
                            throw new IllegalStateException("consumer failed");
                          }))
          .hasMessage("consumer failed");
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  /** A file of consecutive numbers, batch by batch, refilling one batch as file readers do. */
  private static ParallelFileReader.FileBatches numbers(BufferAllocator allocator, int file) {
    return (Consumer<VectorSchemaRoot> consumer) -> {
      try (BigIntVector values = new BigIntVector("value", allocator);
          VectorSchemaRoot batch = VectorSchemaRoot.of(values)) {
        for (int b = 0; b < BATCHES_PER_FILE; b++) {
          values.allocateNew(ROWS_PER_BATCH);
          long first = ((long) file * BATCHES_PER_FILE + b) * ROWS_PER_BATCH;
          for (int row = 0; row < ROWS_PER_BATCH; row++) {
            values.set(row, first + row);
          }
          batch.setRowCount(ROWS_PER_BATCH);
          consumer.accept(batch);
        }
      }
    };
  }

  /** {@link #FILES} files of numbers, the middle one replaced by {@code failing}. */
  private static List<ParallelFileReader.FileBatches> numbersWithTheMiddleFileFailing(
      BufferAllocator allocator, ParallelFileReader.FileBatches failing) {
    List<ParallelFileReader.FileBatches> files = new ArrayList<>();
    for (int file = 0; file < FILES; file++) {
      files.add(numbers(allocator, file));
    }
    files.set(FILES / 2, failing);
    return files;
  }
}
