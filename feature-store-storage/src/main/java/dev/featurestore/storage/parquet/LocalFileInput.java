package dev.featurestore.storage.parquet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over a local file read through a {@link FileChannel}. Parquet-java's
 * own {@code LocalInputFile} reads through {@code RandomAccessFile}, whose native code allocates
 * (and the kernel zero-fills) a fresh buffer for every large read: a column chunk of megabytes pays
 * those page faults again and again. A channel copies through a buffer each thread keeps.
 */
public final class LocalFileInput implements InputFile {
  private final Path path;
  private final long length;

  public LocalFileInput(Path path) throws IOException {
    this.path = path;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      this.length = channel.size();
    }
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    return new ChannelStream(FileChannel.open(path, StandardOpenOption.READ));
  }

  @Override
  public String toString() {
    return path.toString();
  }

  private final class ChannelStream extends SeekableInputStream {
    private final FileChannel channel;
    private long position;

    ChannelStream(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPosition) throws IOException {
      if (newPosition < 0 || newPosition > length) {
        throw new EOFException("seek to " + newPosition + " outside " + path);
      }
      position = newPosition;
    }

    @Override
    public int read() throws IOException {
      ByteBuffer one = ByteBuffer.allocate(1);
      return read(one) == -1 ? -1 : one.get(0) & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int count) throws IOException {
      return read(ByteBuffer.wrap(bytes, offset, count));
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      if (!target.hasRemaining()) {
        return 0;
      }
      int read = channel.read(target, position);
      if (read > 0) {
        position += read;
      }
      return read;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(ByteBuffer.wrap(bytes));
    }

    @Override
    public void readFully(byte[] bytes, int offset, int count) throws IOException {
      readFully(ByteBuffer.wrap(bytes, offset, count));
    }

    @Override
    public void readFully(ByteBuffer target) throws IOException {
      while (target.hasRemaining()) {
        if (read(target) == -1) {
          throw new EOFException(
              "needed " + target.remaining() + " more bytes at the end of " + path);
        }
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
