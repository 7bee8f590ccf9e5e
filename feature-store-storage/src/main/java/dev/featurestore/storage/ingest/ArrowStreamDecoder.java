package dev.featurestore.storage.ingest;

import dev.featurestore.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.apache.arrow.vector.validate.ValidateUtil;

/**
 * Arrow IPC streams: columns are matched to the group's by name; integer, floating-point, string,
 * binary, boolean, zoned timestamp and list-of-float columns are accepted where the feature's type
 * can hold them. A timestamp column without a time zone is refused: it does not say which instant.
 */
public final class ArrowStreamDecoder implements UploadDecoder {
  private static final int CONTINUATION_MARKER = 0xFFFFFFFF;

  /** Schemas and batch headers are small; a larger declared length is corruption or an attack. */
  private static final int MAX_METADATA_BYTES = 16 << 20;

  private final BufferAllocator allocator;

  public ArrowStreamDecoder(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  @Override
  public void decode(Path file, RowAssembler rows) throws IOException {
    checkFraming(file);
    try (InputStream body = Files.newInputStream(file);
        ArrowStreamReader reader = new ArrowStreamReader(body, allocator)) {
      VectorSchemaRoot batch = schemaRoot(reader);
      ArrowBatchRows batchRows = new ArrowBatchRows(batch.getSchema(), rows);
      while (loadNextBatch(reader)) {
        // Only what reading a damaged vector throws: the rows' sink (storing full batches in the
        // object store) fails with its own exceptions, which are no fault of the body.
        try {
          batchRows.read(batch);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
          throw unreadable(e);
        }
      }
    }
    rows.finish();
  }

  /**
   * The stream's schema; whatever Arrow's reader throws here is damaged bytes of the body, except
   * memory beyond the request's limit: the server's overload (503), not the body's fault.
   */
  static VectorSchemaRoot schemaRoot(ArrowStreamReader reader) {
    try {
      return reader.getVectorSchemaRoot();
    } catch (OutOfMemoryException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
  }

  /**
   * Reads the next batch and checks its buffers ({@link #checkBuffers}); whatever Arrow's reader
   * throws here is damaged bytes of the body, except memory beyond the request's limit.
   */
  static boolean loadNextBatch(ArrowStreamReader reader) {
    boolean loaded;
    try {
      loaded = reader.loadNextBatch();
    } catch (OutOfMemoryException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw unreadable(e);
    }
    if (loaded) {
      checkBuffers(schemaRoot(reader));
    }
    return loaded;
  }

  static InvalidInputException unreadable(Exception cause) {
    InvalidInputException invalid =
        new InvalidInputException("body", "not a readable Arrow IPC stream: " + cause.getMessage());
    invalid.initCause(cause);
    return invalid;
  }

  /**
   * Checks a batch Arrow has just loaded with Arrow's own full validation: offsets inside their
   * data, validity and value buffers as long as the batch, UTF-8 text. Arrow loads buffers as the
   * stream declares them, so without this a string offset pointing past its data would be read (or
   * stored, and later fail every reader of the upload). Errors name the column.
   */
  static void checkBuffers(VectorSchemaRoot batch) {
    for (FieldVector vector : batch.getFieldVectors()) {
      try {
        validateFull(vector);
      } catch (ValidateUtil.ValidateException e) {
        throw new InvalidInputException(
            vector.getName(), "holds damaged Arrow data: " + e.getMessage());
      }
    }
    try {
      ValueVectorUtility.validate(batch);
    } catch (ValidateUtil.ValidateException e) {
      throw malformed(e.getMessage());
    }
  }

  /**
   * Arrow Java 18's full validation asks a fixed-size list for the offsets it does not have, and
   * throws: such a list gets the structural checks, and its elements the full ones.
   */
  private static void validateFull(FieldVector vector) {
    if (vector instanceof FixedSizeListVector list) {
      ValueVectorUtility.validate(list);
      validateFull(list.getDataVector());
    } else {
      ValueVectorUtility.validateFull(vector);
    }
  }

  /**
   * Checks, before Arrow reads anything, that every message of the stream and every buffer of every
   * batch lies inside the file, with counts Arrow accepts. Arrow Java 18 allocates a message's body
   * first and leaks it when the body then turns out to be cut short or to point outside itself, so
   * a malformed upload would otherwise leak native memory on every attempt. It also leaks the body
   * of a message that is neither a record batch nor a dictionary batch, so the stream must be one
   * schema followed by only those.
   */
  static void checkFraming(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file)) {
      long size = channel.size();
      long position = 0;
      boolean first = true;
      while (position < size) {
        int metadataLength = readInt(channel, position);
        position += 4;
        if (metadataLength == CONTINUATION_MARKER) {
          metadataLength = readInt(channel, position);
          position += 4;
        }
        if (metadataLength == 0) {
          return;
        }
        if (metadataLength < 0
            || metadataLength > MAX_METADATA_BYTES
            || metadataLength > size - position) {
          throw malformed("a message declares " + metadataLength + " metadata bytes");
        }
        ByteBuffer metadata = ByteBuffer.allocate(metadataLength);
        readFully(channel, metadata, position);
        position += metadataLength;
        long bodyLength = checkedBodyLength(metadata.flip(), first);
        first = false;
        if (bodyLength < 0 || bodyLength > size - position) {
          throw malformed("a message declares a body of " + bodyLength + " bytes");
        }
        position += bodyLength;
      }
    }
  }

  private static long checkedBodyLength(ByteBuffer metadata, boolean first) {
    try {
      Message message = Message.getRootAsMessage(metadata);
      long bodyLength = message.bodyLength();
      byte header = message.headerType();
      if (first && (header != MessageHeader.Schema || bodyLength != 0)) {
        throw malformed("it does not start with a schema");
      }
      if (!first
          && header != MessageHeader.RecordBatch
          && header != MessageHeader.DictionaryBatch) {
        throw malformed("a message after the schema is neither a record nor a dictionary batch");
      }
      RecordBatch batch =
          switch (message.headerType()) {
            case MessageHeader.RecordBatch -> (RecordBatch) message.header(new RecordBatch());
            case MessageHeader.DictionaryBatch ->
                ((DictionaryBatch) message.header(new DictionaryBatch())).data();
            default -> null;
          };
      if (batch != null) {
        checkCount(batch.length());
        for (int i = 0; i < batch.nodesLength(); i++) {
          FieldNode node = batch.nodes(i);
          checkCount(node.length());
          checkCount(node.nullCount());
        }
        for (int i = 0; i < batch.buffersLength(); i++) {
          Buffer buffer = batch.buffers(i);
          if (buffer.offset() < 0
              || buffer.length() < 0
              || buffer.offset() > bodyLength - buffer.length()) {
            throw malformed("a batch buffer lies outside its message");
          }
        }
      }
      return bodyLength;
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw malformed("unreadable message metadata");
    }
  }

  private static void checkCount(long count) {
    if (count < 0 || count > Integer.MAX_VALUE) {
      throw malformed("a batch declares " + count + " values");
    }
  }

  private static int readInt(FileChannel channel, long position) throws IOException {
    ByteBuffer word = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    if (channel.size() - position < 4) {
      throw malformed("the stream ends inside a message header");
    }
    readFully(channel, word, position);
    return word.getInt(0);
  }

  private static void readFully(FileChannel channel, ByteBuffer target, long position)
      throws IOException {
    while (target.hasRemaining()) {
      if (channel.read(target, position + target.position()) < 0) {
        throw malformed("the stream ends early");
      }
    }
  }

  private static InvalidInputException malformed(String reason) {
    return new InvalidInputException("body", "not a readable Arrow IPC stream: " + reason);
  }
}
