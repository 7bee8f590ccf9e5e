package dev.featurestore.storage.iceberg;

import static java.util.Objects.requireNonNull;

import dev.featurestore.core.objectstore.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg's {@link FileIO} over our {@link ObjectStore} port, so that Iceberg reads our Parquet
 * footers and writes its metadata through the same adapter (local disk or S3) as everything else.
 * Files Iceberg writes here are metadata (JSON, manifests, manifest lists): small, so they are
 * buffered and stored whole when closed.
 */
public final class ObjectStoreFileIO implements FileIO {
  /** Reads are served from ranges this big, so footers and manifests take a few requests. */
  private static final int READ_AHEAD_BYTES = 256 * 1024;

  private final ObjectStore store;
  private final ObjectUris uris;

  public ObjectStoreFileIO(ObjectStore store, ObjectUris uris) {
    this.store = requireNonNull(store, "store is null");
    this.uris = requireNonNull(uris, "uris is null");
  }

  @Override
  public InputFile newInputFile(String path) {
    return new StoredInput(path, -1);
  }

  @Override
  public InputFile newInputFile(String path, long length) {
    return new StoredInput(path, length);
  }

  @Override
  public OutputFile newOutputFile(String path) {
    return new StoredOutput(path);
  }

  @Override
  public void deleteFile(String path) {
    try {
      store.delete(uris.key(path));
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + path, e);
    }
  }

  private final class StoredInput implements InputFile {
    private final String path;
    private long length;

    StoredInput(String path, long length) {
      this.path = path;
      this.length = length;
    }

    @Override
    public long getLength() {
      if (length < 0) {
        try {
          length = store.size(uris.key(path));
        } catch (dev.featurestore.core.NotFoundException e) {
          throw new NotFoundException(e, "%s does not exist", path);
        } catch (IOException e) {
          throw new UncheckedIOException("could not read the size of " + path, e);
        }
      }
      return length;
    }

    @Override
    public SeekableInputStream newStream() {
      return new RangedStream(uris.key(path), getLength());
    }

    @Override
    public String location() {
      return path;
    }

    @Override
    public boolean exists() {
      try {
        getLength();
        return true;
      } catch (NotFoundException e) {
        return false;
      }
    }
  }

  private final class RangedStream extends SeekableInputStream {
    private final String key;
    private final long length;
    private long position;
    private byte[] buffer = new byte[0];
    private long bufferStart;

    RangedStream(String key, long length) {
      this.key = key;
      this.length = length;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void seek(long newPosition) throws IOException {
      if (newPosition < 0 || newPosition > length) {
        throw new EOFException("seek to " + newPosition + " outside " + key);
      }
      position = newPosition;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int count) throws IOException {
      if (count == 0) {
        return 0;
      }
      if (position >= length) {
        return -1;
      }
      if (position < bufferStart || position >= bufferStart + buffer.length) {
        bufferStart = position;
        buffer = store.getRange(key, position, (int) Math.min(READ_AHEAD_BYTES, length - position));
        if (buffer.length == 0) {
          return -1;
        }
      }
      int offsetInBuffer = (int) (position - bufferStart);
      int copied = Math.min(count, buffer.length - offsetInBuffer);
      System.arraycopy(buffer, offsetInBuffer, target, offset, copied);
      position += copied;
      return copied;
    }

    @Override
    public void close() {
      buffer = new byte[0];
    }
  }

  private final class StoredOutput implements OutputFile {
    private final String path;

    StoredOutput(String path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create() {
      if (toInputFile().exists()) {
        throw new AlreadyExistsException("%s already exists", path);
      }
      return createOrOverwrite();
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return new BufferedOutput(uris.key(path));
    }

    @Override
    public String location() {
      return path;
    }

    @Override
    public InputFile toInputFile() {
      return newInputFile(path);
    }
  }

  private final class BufferedOutput extends PositionOutputStream {
    private final String key;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean closed;

    BufferedOutput(String key) {
      this.key = key;
    }

    @Override
    public long getPos() {
      return bytes.size();
    }

    @Override
    public void write(int b) {
      bytes.write(b);
    }

    @Override
    public void write(byte[] source, int offset, int count) {
      bytes.write(source, offset, count);
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        store.put(key, bytes.toByteArray());
      }
    }
  }
}
