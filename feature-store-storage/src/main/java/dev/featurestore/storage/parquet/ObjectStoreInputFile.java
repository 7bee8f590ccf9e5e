package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/**
 * A Parquet {@link InputFile} over ranged reads of one object-store object, so a reader fetches the
 * footer and then only the column chunks it decodes, never the whole file. Objects are immutable,
 * so the length read at open stays true.
 */
public final class ObjectStoreInputFile implements InputFile {
  /** Small reads (footer length, page headers) are served from one read-ahead range this big. */
  static final int DEFAULT_READ_AHEAD_BYTES = 64 * 1024;

  private final ObjectStore store;
  private final String key;
  private final long length;
  private final int readAheadBytes;

  private ObjectStoreInputFile(ObjectStore store, String key, long length, int readAheadBytes) {
    this.store = store;
    this.key = key;
    this.length = length;
    this.readAheadBytes = readAheadBytes;
  }

  public static ObjectStoreInputFile open(ObjectStore store, String key) throws IOException {
    return open(store, key, DEFAULT_READ_AHEAD_BYTES);
  }

  /** A small read-ahead lets tests see which bytes a read fetched. */
  static ObjectStoreInputFile open(ObjectStore store, String key, int readAheadBytes)
      throws IOException {
    requireNonNull(store, "store is null");
    requireNonNull(key, "key is null");
    return new ObjectStoreInputFile(store, key, store.size(key), readAheadBytes);
  }

  @Override
  public long getLength() {
    return length;
  }

  @Override
  public SeekableInputStream newStream() {
    return new RangedStream();
  }

  @Override
  public String toString() {
    return store.location() + "/" + key;
  }

  private final class RangedStream extends SeekableInputStream {
    private long position;
    private byte[] buffer = new byte[0];
    private long bufferStart;

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPosition) throws IOException {
      if (newPosition < 0 || newPosition > length) {
        throw new EOFException("seek to " + newPosition + " outside " + ObjectStoreInputFile.this);
      }
      position = newPosition;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int count) throws IOException {
      if (count == 0) {
        return 0;
      }
      if (position >= length) {
        return -1;
      }
      int wanted = (int) Math.min(count, length - position);
      if (wanted >= readAheadBytes) {
        byte[] range = fetch(position, wanted);
        System.arraycopy(range, 0, bytes, offset, range.length);
        position += range.length;
        return range.length;
      }
      if (position < bufferStart || position >= bufferStart + buffer.length) {
        bufferStart = position;
        buffer = fetch(position, (int) Math.min(readAheadBytes, length - position));
      }
      int available = (int) Math.min(wanted, bufferStart + buffer.length - position);
      System.arraycopy(buffer, (int) (position - bufferStart), bytes, offset, available);
      position += available;
      return available;
    }

    @Override
    public void readFully(byte[] bytes) throws IOException {
      readFully(bytes, 0, bytes.length);
    }

    @Override
    public void readFully(byte[] bytes, int offset, int count) throws IOException {
      int done = 0;
      while (done < count) {
        int read = read(bytes, offset + done, count - done);
        if (read == -1) {
          throw new EOFException(
              "needed "
                  + (count - done)
                  + " more bytes at the end of "
                  + ObjectStoreInputFile.this);
        }
        done += read;
      }
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
      int count = target.remaining();
      byte[] bytes = new byte[count];
      int read = read(bytes, 0, count);
      if (read > 0) {
        target.put(bytes, 0, read);
      }
      return read;
    }

    @Override
    public void readFully(ByteBuffer target) throws IOException {
      byte[] bytes = new byte[target.remaining()];
      readFully(bytes);
      target.put(bytes);
    }

    private byte[] fetch(long offset, int count) throws IOException {
      byte[] range = store.getRange(key, offset, count);
      if (range.length < count) {
        throw new EOFException(
            ObjectStoreInputFile.this + " ended at " + (offset + range.length) + " of " + length);
      }
      return range;
    }
  }
}
