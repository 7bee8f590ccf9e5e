package dev.featurestore.storage.parquet;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * A Parquet {@link OutputFile} on local disk (java.nio, no Hadoop file system) that hashes the
 * bytes as they are written, so the content hash costs no second pass over the file. Parquet writes
 * strictly sequentially, so the streamed bytes are the file's bytes.
 */
final class HashingOutputFile implements OutputFile {
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path path;
  private final MessageDigest digest;
  private long bytesWritten;
  private boolean created;

  HashingOutputFile(Path path) {
    this.path = requireNonNull(path, "path is null");
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.CREATE_NEW);
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
    return open(StandardOpenOption.TRUNCATE_EXISTING);
  }

  private PositionOutputStream open(StandardOpenOption creation) throws IOException {
    if (created) {
      throw new IllegalStateException("a hashing output file is written once");
    }
    created = true;
    OutputStream file =
        new BufferedOutputStream(
            Files.newOutputStream(
                path, creation, StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            BUFFER_BYTES);
    return new HashingStream(file);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return path.toString();
  }

  long bytesWritten() {
    return bytesWritten;
  }

  /** Lower-case hex SHA-256 of everything written; call once, after the stream is closed. */
  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  private final class HashingStream extends PositionOutputStream {
    private final OutputStream file;

    HashingStream(OutputStream file) {
      this.file = file;
    }

    @Override
    public long getPos() {
      return bytesWritten;
    }

    @Override
    public void write(int oneByte) throws IOException {
      file.write(oneByte);
      digest.update((byte) oneByte);
      bytesWritten++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      file.write(bytes, offset, length);
      digest.update(bytes, offset, length);
      bytesWritten += length;
    }

    @Override
    public void flush() throws IOException {
      file.flush();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }
}
