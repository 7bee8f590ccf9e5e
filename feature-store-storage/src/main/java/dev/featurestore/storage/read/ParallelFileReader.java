package dev.featurestore.storage.read;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Reads several files at once on background threads and hands their batches, in no particular
 * order, to one consumer on the calling thread; a preparation step may run on each batch first, on
 * the reading threads (the join finds there the slot each stored row may win).
 *
 * <p>Decoding Parquet (zstd and parquet-java's column readers) is the slowest step of a join from
 * files, and the join consumes batches on one thread; with this, later files are decoded while
 * earlier batches are consumed. At most two batches per thread wait in memory: each is taken over
 * from its reader (its vectors transferred) and freed after the consumer's call.
 *
 * <p>The reading threads are those of an executor shared by every read of the process, so reads
 * reuse its threads and together use no more than it holds; one read uses at most {@code threads}
 * of them. A read ends only when all its workers have ended, so none adds to its queue afterwards.
 */
public final class ParallelFileReader {
  /** One file's batches; a batch handed to the consumer is valid during the call only. */
  @FunctionalInterface
  public interface FileBatches {
    void forEachBatch(Consumer<VectorSchemaRoot> consumer) throws IOException;
  }

  private static final int QUEUED_BATCHES_PER_THREAD = 2;

  private final BufferAllocator allocator;
  private final Executor executor;
  private final int threads;

  public ParallelFileReader(BufferAllocator allocator, Executor executor, int threads) {
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.executor = requireNonNull(executor, "executor is null");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.threads = threads;
  }

  public void forEachBatch(List<FileBatches> files, Consumer<VectorSchemaRoot> consumer)
      throws IOException {
    forEachPreparedBatch(files, batch -> null, (batch, nothing) -> consumer.accept(batch));
  }

  /**
   * As {@link #forEachBatch}, with {@code prepare} run on the reading threads, in parallel, on each
   * batch before it is queued; the consumer gets its result with the batch.
   */
  public <P> void forEachPreparedBatch(
      List<FileBatches> files,
      Function<VectorSchemaRoot, P> prepare,
      BiConsumer<VectorSchemaRoot, P> consumer)
      throws IOException {
    int workers = Math.min(threads, files.size());
    if (workers <= 1) {
      for (FileBatches file : files) {
        file.forEachBatch(batch -> consumer.accept(batch, prepare.apply(batch)));
      }
      return;
    }
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(workers * QUEUED_BATCHES_PER_THREAD);
    AtomicInteger nextFile = new AtomicInteger();
    AtomicBoolean stopped = new AtomicBoolean();
    int startedWorkers = 0;
    int finishedWorkers = 0;
    try {
      for (; startedWorkers < workers; startedWorkers++) {
        executor.execute(() -> readFiles(files, prepare, nextFile, stopped, queue));
      }
      while (finishedWorkers < workers) {
        Object item = queue.take();
        if (item instanceof Prepared<?> prepared) {
          try (VectorSchemaRoot batch = prepared.batch()) {
            @SuppressWarnings("unchecked") // queued by readFiles with this call's prepare
            P value = (P) prepared.value();
            consumer.accept(batch, value);
          }
        } else {
          finishedWorkers++;
          if (item instanceof Throwable failure) {
            // Unwrapped, so that callers tell a memory limit or a bug from a failed read.
            switch (failure) {
              case IOException e -> throw e;
              case RuntimeException e -> throw e;
              case Error e -> throw e;
              default -> throw new IOException(failure);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading files");
    } finally {
      stopped.set(true);
      awaitWorkers(queue, startedWorkers - finishedWorkers);
    }
  }

  /**
   * Frees what the stopped workers queue until each has queued its end marker; a worker stops at
   * its next batch, and one not started yet at once.
   */
  private static void awaitWorkers(BlockingQueue<Object> queue, int running) {
    boolean interrupted = false;
    while (running > 0) {
      try {
        Object item = queue.take();
        if (item instanceof Prepared<?> prepared) {
          prepared.batch().close();
        } else {
          running--;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A batch taken over from its reader, with what {@code prepare} made of it. */
  private record Prepared<P>(VectorSchemaRoot batch, P value) {}

  /**
   * Reads files until none is left, then queues this worker's end marker (itself a plain object).
   */
  private <P> void readFiles(
      List<FileBatches> files,
      Function<VectorSchemaRoot, P> prepare,
      AtomicInteger nextFile,
      AtomicBoolean stopped,
      BlockingQueue<Object> queue) {
    Object last = new Object();
    try {
      for (int file = nextFile.getAndIncrement();
          file < files.size() && !stopped.get();
          file = nextFile.getAndIncrement()) {
        files.get(file).forEachBatch(batch -> queueTakenOver(batch, prepare, stopped, queue));
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

  private <P> void queueTakenOver(
      VectorSchemaRoot batch,
      Function<VectorSchemaRoot, P> prepare,
      AtomicBoolean stopped,
      BlockingQueue<Object> queue) {
    List<FieldVector> vectors = new ArrayList<>();
    for (FieldVector vector : batch.getFieldVectors()) {
      TransferPair transfer = vector.getTransferPair(allocator);
      transfer.transfer();
      vectors.add((FieldVector) transfer.getTo());
    }
    VectorSchemaRoot taken =
        new VectorSchemaRoot(batch.getSchema().getFields(), vectors, batch.getRowCount());
    if (stopped.get()) {
      taken.close();
      throw new UncheckedIOException(new InterruptedIOException("stopped"));
    }
    try {
      queue.put(new Prepared<>(taken, prepare.apply(taken)));
    } catch (InterruptedException e) {
      taken.close();
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new InterruptedIOException("stopped"));
    } catch (RuntimeException | Error e) {
      taken.close();
      throw e;
    }
  }
}
