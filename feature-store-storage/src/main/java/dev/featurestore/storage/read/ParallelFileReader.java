package dev.featurestore.storage.read;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Reads several files at once on background threads and hands their batches, in no particular
 * order, to one consumer on the calling thread.
 *
 * <p>Decoding Parquet (zstd and parquet-java's column readers) is the slowest step of a join from
 * files, and the join consumes batches on one thread; with this, later files are decoded while
 * earlier batches are consumed. At most two batches per thread wait in memory: each is taken over
 * from its reader (its vectors transferred) and freed after the consumer's call.
 */
public final class ParallelFileReader {
  /** One file's batches; a batch handed to the consumer is valid during the call only. */
  @FunctionalInterface
  public interface FileBatches {
    void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException;
  }

  private static final int QUEUED_BATCHES_PER_THREAD = 2;

  private final BufferAllocator allocator;
  private final int threads;

  public ParallelFileReader(BufferAllocator allocator, int threads) {
    this.allocator = requireNonNull(allocator, "allocator is null");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.threads = threads;
  }

  public void forEachBatch(List<FileBatches> files, Consumer<VectorSchemaRoot> consumer)
      throws IOException {
    int workers = Math.min(threads, files.size());
    if (workers <= 1) {
      for (FileBatches file : files) {
        file.forEachBatch(consumer);
      }
      return;
    }
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(workers * QUEUED_BATCHES_PER_THREAD);
    AtomicInteger nextFile = new AtomicInteger();
    AtomicBoolean stopped = new AtomicBoolean();
    ExecutorService executor = Executors.newFixedThreadPool(workers);
    try {
      for (int worker = 0; worker < workers; worker++) {
        executor.execute(() -> readFiles(files, nextFile, stopped, queue));
      }
      int finishedWorkers = 0;
      while (finishedWorkers < workers) {
        Object item = queue.take();
        if (item instanceof VectorSchemaRoot batch) {
          try (batch) {
            consumer.accept(batch);
          }
        } else if (item instanceof Throwable failure) {
          throw failure instanceof IOException e ? e : new IOException(failure);
        } else {
          finishedWorkers++;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading files");
    } finally {
      stopped.set(true);
      executor.shutdownNow();
      executor.close();
      for (Object item : queue) {
        if (item instanceof VectorSchemaRoot batch) {
          batch.close();
        }
      }
    }
  }

  /**
   * Reads files until none is left, then queues this worker's end marker (itself a plain object).
   */
  private void readFiles(
      List<FileBatches> files,
      AtomicInteger nextFile,
      AtomicBoolean stopped,
      BlockingQueue<Object> queue) {
    Object last = new Object();
    try {
      for (int file = nextFile.getAndIncrement();
          file < files.size() && !stopped.get();
          file = nextFile.getAndIncrement()) {
        files.get(file).forEachBatch(batch -> queueTakenOver(batch, queue));
      }
    } catch (IOException | RuntimeException | Error e) {
      last = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
    }
    try {
      queue.put(last);
    } catch (InterruptedException e) {
      // Stopped: the consumer no longer waits for this worker.
      Thread.currentThread().interrupt();
    }
  }

  private void queueTakenOver(VectorSchemaRoot batch, BlockingQueue<Object> queue) {
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector vector : batch.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(allocator);
      transfer.transfer();
      vectors.add((FieldVector) transfer.getTo());
    }
    VectorSchemaRoot taken =
        new VectorSchemaRoot(batch.getSchema().getFields(), vectors, batch.getRowCount());
    try {
      queue.put(taken);
    } catch (InterruptedException e) {
      taken.close();
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("stopped"));
    }
  }
}
