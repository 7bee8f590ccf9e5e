package dev.featurestore.core.join;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Batches a join spills to local disk, as an uncompressed Arrow IPC stream: written once through
 * one staging batch, then read back front to back.
 */
final class SpillFile {
  private SpillFile() {}

  /**
   * Writes the staging batch, which it owns, as often as the join fills it; on closing, adds the
   * file's bytes to {@code spilledBytes}, the join's total.
   */
  static final class Writer implements AutoCloseable {
    private final VectorSchemaRoot staging;
    private final ArrowStreamWriter writer;
    private final LongAdder spilledBytes;
    private long rowCount;

    Writer(Path path, VectorSchemaRoot staging, LongAdder spilledBytes) throws IOException {
      this.staging = staging;
      this.spilledBytes = spilledBytes;
      FileChannel channel =
          FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        this.writer = new ArrowStreamWriter(staging, null, channel);
        writer.start();
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    VectorSchemaRoot staging() {
      return staging;
    }

    /** Appends the staging batch's current rows. */
    void writeStaging() throws IOException {
      writer.writeBatch();
      rowCount += staging.getRowCount();
    }

    long rowCount() {
      return rowCount;
    }

    @Override
    public void close() throws IOException {
      try (staging) {
        writer.close();
      } finally {
        spilledBytes.add(writer.bytesWritten());
      }
    }
  }

  /** Hands each batch of the file to {@code consumer}, which may take over its vectors. */
  static void forEachBatch(
      Path path, BufferAllocator allocator, Consumer<VectorSchemaRoot> consumer)
      throws IOException {
    try (FileChannel channel = FileChannel.open(path);
        ArrowStreamReader reader = new ArrowStreamReader(channel, allocator)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        consumer.accept(batch);
      }
    }
  }

  /** Reads a file row by row, holding one batch at a time. */
  static final class Cursor implements AutoCloseable {
    private final FileChannel channel;
    private final ArrowStreamReader reader;
    private int position;

    Cursor(Path path, BufferAllocator allocator) throws IOException {
      channel = FileChannel.open(path);
      reader = new ArrowStreamReader(channel, allocator);
    }

    /** Moves to the next row and returns its index in {@link #batch()}. */
    int next() throws IOException {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      while (position == batch.getRowCount()) {
        if (!reader.loadNextBatch()) {
          throw new IllegalStateException("spill file ended before the rows it was written with");
        }
        position = 0;
      }
      return position++;
    }

    VectorSchemaRoot batch() throws IOException {
      return reader.getVectorSchemaRoot();
    }

    @Override
    public void close() throws IOException {
      try (channel) {
        reader.close();
      }
    }
  }
}
